{#- One row per moment of a deal while it is open, with what was known about the deal then:
    the win-probability model's features (macro win_probability_features), its label when the
    deal has closed by the as-of time, and the flags of the hold-out. The moments:
      created      the deal's creation (deals created in an open stage)
      interaction  just before each interaction while the deal is open (int_interaction_intervals)
      horizon      the end of an interaction's interval when nothing ended it earlier: the
                   interaction's time plus var interaction_value_horizon_days
      as_of        the as-of time, for each deal open then (its current win probability)
    A deal closed by the as-of time is a training example with each of its moments; its
    outcome then is the label (int_opportunity_outcomes: a later close is not known yet). About
    one deal in five (a hash of its id) is held out of the fit (int_win_probability_evaluation_moments
    draws one moment of each for the evaluation). An interaction moment carries its interval
    (int_interaction_intervals), whose end is the deal's next moment in moment order. The
    features of a moment are computed by macro win_probability_feature_ctes, the one rule
    int_win_probability_at_dates shares. -#}
{%- set window_days = var('interaction_feature_window_days') | int %}

with intervals as (
    select * from {{ ref('int_interaction_intervals') }}
),

interactions as (
    select
        opportunity_id,
        occurred_at
    from {{ ref('int_interactions_unified') }}
    where opportunity_id is not null
),

outcomes as (
    select * from {{ ref('int_opportunity_outcomes') }}
),

states as (
    select * from {{ ref('int_opportunity_states_historized') }}
),

as_of as (
    select as_of from {{ ref('stg_crm__export_as_of') }}
),

-- the touches on each deal before its creation and up to the as-of time
deal_touches as (
    select
        interactions.opportunity_id,
        sum(case when interactions.occurred_at < outcomes.created_at then 1 else 0 end)
            as touches_before_creation,
        sum(
            case
                when
                    interactions.occurred_at < outcomes.created_at
                    and interactions.occurred_at
                    > {{ dbt.dateadd('day', -window_days, 'outcomes.created_at') }}
                    then 1
                else 0
            end
        ) as touches_in_window_at_creation,
        max(case when interactions.occurred_at < outcomes.created_at then interactions.occurred_at end)
            as last_touch_before_creation_at,
        count(*) as touches_by_as_of,
        sum(
            case
                when interactions.occurred_at > {{ dbt.dateadd('day', -window_days, 'as_of.as_of') }}
                    then 1
                else 0
            end
        ) as touches_in_window_at_as_of,
        max(interactions.occurred_at) as last_touch_at
    from interactions
    inner join outcomes
        on interactions.opportunity_id = outcomes.opportunity_id
    cross join as_of
    group by interactions.opportunity_id
),

interaction_moments as (
    select
        {{ dbt.concat(["'interaction:'", 'interaction_id']) }} as moment_id,
        'interaction' as moment_kind,
        opportunity_id,
        interaction_id,
        occurred_at as moment_at,
        stage_name,
        stage_order,
        amount,
        close_date,
        forecast_category,
        touches_before as touches_so_far,
        touches_before_in_window as touches_in_window,
        previous_touch_at as last_touch_at,
        interval_end_reason,
        interval_ended_at,
        next_interaction_id,
        is_won_at_interval_end
    from intervals
),

-- the state when the interval ends at the horizon, one state per moment: the deal is open
-- (its close would have ended the interval first)
horizon_moments as (
    select
        {{ dbt.concat(["'horizon:'", 'intervals.interaction_id']) }} as moment_id,
        'horizon' as moment_kind,
        intervals.opportunity_id,
        intervals.interaction_id,
        intervals.interval_ended_at as moment_at,
        states.stage_name,
        states.stage_order,
        states.amount,
        states.close_date,
        states.forecast_category,
        intervals.touches_before + 1 as touches_so_far,
        intervals.touches_in_window_at_horizon as touches_in_window,
        intervals.occurred_at as last_touch_at,
        cast(null as {{ dbt.type_string() }}) as interval_end_reason,
        cast(null as {{ dbt.type_timestamp() }}) as interval_ended_at,
        cast(null as {{ dbt.type_string() }}) as next_interaction_id,
        cast(null as boolean) as is_won_at_interval_end
    from intervals
    inner join states
        on
            intervals.opportunity_id = states.opportunity_id
            and intervals.interval_ended_at >= states.valid_from
            and (states.valid_to is null or intervals.interval_ended_at < states.valid_to)
    where intervals.interval_end_reason = 'horizon'
),

created_moments as (
    select
        {{ dbt.concat(["'created:'", 'outcomes.opportunity_id']) }} as moment_id,
        'created' as moment_kind,
        outcomes.opportunity_id,
        cast(null as {{ dbt.type_string() }}) as interaction_id,
        outcomes.created_at as moment_at,
        states.stage_name,
        states.stage_order,
        states.amount,
        states.close_date,
        states.forecast_category,
        coalesce(deal_touches.touches_before_creation, 0) as touches_so_far,
        coalesce(deal_touches.touches_in_window_at_creation, 0) as touches_in_window,
        deal_touches.last_touch_before_creation_at as last_touch_at,
        cast(null as {{ dbt.type_string() }}) as interval_end_reason,
        cast(null as {{ dbt.type_timestamp() }}) as interval_ended_at,
        cast(null as {{ dbt.type_string() }}) as next_interaction_id,
        cast(null as boolean) as is_won_at_interval_end
    from outcomes
    inner join states
        on
            outcomes.opportunity_id = states.opportunity_id
            and outcomes.created_at >= states.valid_from
            and (states.valid_to is null or outcomes.created_at < states.valid_to)
    left join deal_touches
        on outcomes.opportunity_id = deal_touches.opportunity_id
    where not states.is_closed_stage
),

as_of_moments as (
    select
        {{ dbt.concat(["'as_of:'", 'outcomes.opportunity_id']) }} as moment_id,
        'as_of' as moment_kind,
        outcomes.opportunity_id,
        cast(null as {{ dbt.type_string() }}) as interaction_id,
        as_of.as_of as moment_at,
        states.stage_name,
        states.stage_order,
        states.amount,
        states.close_date,
        states.forecast_category,
        coalesce(deal_touches.touches_by_as_of, 0) as touches_so_far,
        coalesce(deal_touches.touches_in_window_at_as_of, 0) as touches_in_window,
        deal_touches.last_touch_at,
        cast(null as {{ dbt.type_string() }}) as interval_end_reason,
        cast(null as {{ dbt.type_timestamp() }}) as interval_ended_at,
        cast(null as {{ dbt.type_string() }}) as next_interaction_id,
        cast(null as boolean) as is_won_at_interval_end
    from outcomes
    cross join as_of
    inner join states
        on
            outcomes.opportunity_id = states.opportunity_id
            and states.valid_to is null
    left join deal_touches
        on outcomes.opportunity_id = deal_touches.opportunity_id
    where not outcomes.is_closed and not states.is_closed_stage
),

moment_rows as (
    select * from created_moments
    union all
    select * from interaction_moments
    union all
    select * from horizon_moments
    union all
    select * from as_of_moments
),

{{ win_probability_feature_ctes('moment_rows') }},

-- about one deal in five is held out of the fit, by a hash of its id
features as (
    select
        moment_id,
        moment_kind,
        opportunity_id,
        interaction_id,
        moment_at,
        -- the order of a deal's moments at one time: creation, interaction, horizon, as-of
        case moment_kind
            when 'created' then 0 when 'interaction' then 1 when 'horizon' then 2 else 3
        end as moment_rank,
        stage_name,
        amount_converted as amount,
        interval_end_reason,
        interval_ended_at,
        next_interaction_id,
        is_won_at_interval_end,
        owner_id,
        touches_so_far,
        touches_in_window,
        last_touch_at,
        pushes_so_far,
        {%- for feature in win_probability_features() %}
            feature_{{ feature }},
        {%- endfor %}
        deal_is_closed as is_training,
        case when deal_is_closed then deal_is_won end as is_won,
        -- when the outcome became known: a fit at a cut-off learns only from deals closed by then
        case when deal_is_closed then deal_closed_at end as deal_closed_at,
        right({{ dbt.hash('opportunity_id') }}, 1) in ('0', '1', '2') as is_holdout
    from featured_moments
)

select * from features
