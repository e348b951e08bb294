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
    (int_interaction_intervals), whose end is the deal's next moment in moment order. -#}
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

visits as (
    select * from {{ ref('int_stage_visits') }}
),

owners as (
    select * from {{ ref('int_opportunity_owners_historized') }}
),

owner_rates as (
    select * from {{ ref('int_owner_trailing_win_rates') }}
),

close_date_changes as (
    select * from {{ ref('int_close_date_changes') }}
),

rates as (
    select * from {{ ref('int_currency_rates_dated') }}
),

funnel as (
    select * from {{ ref('stg_salesforce__stage_funnel') }}
),

as_of as (
    select as_of from {{ ref('stg_salesforce__export_as_of') }}
),

-- about one deal in five is held out of the fit, by a hash of its id
deals as (
    select
        opportunity_id,
        created_at,
        currency_code,
        is_closed,
        is_won,
        right({{ dbt.hash('opportunity_id') }}, 1) in ('0', '1', '2') as is_holdout
    from outcomes
),

open_stage_count as (
    select count(*) as open_stages
    from funnel
    where not is_closed
),

company_rates as (
    select distinct
        month_start,
        company_trailing_win_rate
    from owner_rates
),

-- the close date pushes of each deal, each in force until the next one
push_steps as (
    select
        opportunity_id,
        changed_at,
        row_number() over deal_order as pushes_so_far,
        lead(changed_at) over deal_order as next_push_at
    from close_date_changes
    where is_push
    window deal_order as (partition by opportunity_id order by changed_at, change_record_id)
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

-- the reporting month of each moment, which the owner's trailing win rate is looked up by
all_moments as (
    select
        moment_rows.*,
        cast({{ dbt.date_trunc('month', to_reporting_date('moment_rows.moment_at')) }} as date) as moment_month_start
    from moment_rows
),

described as (
    select
        all_moments.*,
        deals.created_at as deal_created_at,
        deals.is_closed as deal_is_closed,
        deals.is_won as deal_is_won,
        deals.is_holdout,
        visits.entered_at as stage_entered_at,
        owners.owner_id,
        cast(all_moments.amount / rates.conversion_rate as decimal(18, 2)) as amount_converted,
        coalesce(push_steps.pushes_so_far, 0) as pushes_so_far,
        coalesce(owner_rates.owner_trailing_win_rate, company_rates.company_trailing_win_rate, 0.5)
            as owner_trailing_win_rate
    from all_moments
    inner join deals
        on all_moments.opportunity_id = deals.opportunity_id
    left join visits
        on
            all_moments.opportunity_id = visits.opportunity_id
            and all_moments.stage_name = visits.stage_name
            and all_moments.moment_at >= visits.entered_at
            and (visits.exited_at is null or all_moments.moment_at < visits.exited_at)
    left join push_steps
        on
            all_moments.opportunity_id = push_steps.opportunity_id
            and all_moments.moment_at >= push_steps.changed_at
            and (push_steps.next_push_at is null or all_moments.moment_at < push_steps.next_push_at)
    left join rates
        on
            deals.currency_code = rates.currency_code
            and cast(all_moments.moment_at as date) >= rates.valid_from
            and cast(all_moments.moment_at as date) < rates.valid_to
    left join owners
        on {{ owner_at('owners', 'all_moments.opportunity_id', 'all_moments.moment_at') }}
    left join owner_rates
        on
            owners.owner_id = owner_rates.owner_id
            and all_moments.moment_month_start = owner_rates.month_start
    left join company_rates
        on all_moments.moment_month_start = company_rates.month_start
),

features as (
    select
        described.moment_id,
        described.moment_kind,
        described.opportunity_id,
        described.interaction_id,
        described.moment_at,
        -- the order of a deal's moments at one time: creation, interaction, horizon, as-of
        case described.moment_kind
            when 'created' then 0 when 'interaction' then 1 when 'horizon' then 2 else 3
        end as moment_rank,
        described.stage_name,
        described.amount_converted as amount,
        described.interval_end_reason,
        described.interval_ended_at,
        described.next_interaction_id,
        described.is_won_at_interval_end,
        described.owner_id,
        described.touches_so_far,
        described.touches_in_window,
        described.last_touch_at,
        described.pushes_so_far,
        cast(described.stage_order as {{ type_double() }}) / open_stage_count.open_stages as feature_stage_progress,
        {%- set stage_entered_at = 'coalesce(described.stage_entered_at, described.deal_created_at)' %}
        ln(1 + greatest({{ days_between(stage_entered_at, 'described.moment_at') }}, 0)) as feature_log_days_in_stage,
        ln(1 + greatest({{ days_between('described.deal_created_at', 'described.moment_at') }}, 0))
            as feature_log_deal_age_days,
        ln(1 + greatest(coalesce(cast(described.amount_converted as {{ type_double() }}), 0), 0))
            as feature_log_amount,
        case when described.forecast_category = 'Commit' then 1.0 else 0.0 end as feature_is_commit,
        case when described.forecast_category = 'Best Case' then 1.0 else 0.0 end as feature_is_best_case,
        ln(1 + greatest(coalesce(
            {{ days_between('described.moment_at', 'cast(described.close_date as ' ~ dbt.type_timestamp() ~ ')') }},
            0
        ), 0)) as feature_log_days_to_close_date,
        ln(1 + greatest(coalesce(
            {{ days_between('cast(described.close_date as ' ~ dbt.type_timestamp() ~ ')', 'described.moment_at') }},
            0
        ), 0)) as feature_log_days_past_close_date,
        ln(1 + described.pushes_so_far) as feature_log_close_date_pushes,
        case when described.touches_so_far > 0 then 1.0 else 0.0 end as feature_has_been_touched,
        ln(1 + greatest(
            {{ days_between('coalesce(described.last_touch_at, described.deal_created_at)', 'described.moment_at') }},
            0
        )) as feature_log_days_since_last_touch,
        ln(1 + described.touches_in_window) as feature_log_recent_touches,
        described.owner_trailing_win_rate as feature_owner_trailing_win_rate,
        described.deal_is_closed as is_training,
        case when described.deal_is_closed then described.deal_is_won end as is_won,
        described.is_holdout
    from described
    cross join open_stage_count
)

select * from features
