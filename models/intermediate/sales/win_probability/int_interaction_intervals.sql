{#- One row per interaction on a deal while the deal was open: after its creation, before its
    final close (int_opportunity_outcomes) and in an open stage. With the deal's state at that
    moment, the touches on the deal before it (all of them, and those within the feature
    window: var interaction_feature_window_days), and the end of the interaction's interval,
    which its value is measured over: the next such interaction on the deal, the deal's close,
    the as-of time, or the interaction's time plus var interaction_value_horizon_days, whichever
    comes first (on a tie, in that order). Interactions at the same time are ordered by id, so
    each one's interval ends at the next: a deal's intervals chain from its first touch to its
    last touch's end. -#}
{%- set window_days = var('interaction_feature_window_days') | int %}
{%- set horizon_days = var('interaction_value_horizon_days') | int %}
{%- if horizon_days < 1 or window_days < 1 %}
    {{ exceptions.raise_compiler_error(
        "The vars interaction_value_horizon_days and interaction_feature_window_days must be whole days of at least 1"
    ) }}
{%- endif %}

with interactions as (
    select
        interaction_id,
        opportunity_id,
        occurred_at
    from {{ ref('int_interactions_unified') }}
    where opportunity_id is not null
),

outcomes as (
    select
        opportunity_id,
        created_at,
        closed_at,
        is_closed,
        is_won
    from {{ ref('int_opportunity_outcomes') }}
),

states as (
    select * from {{ ref('int_opportunity_states_historized') }}
),

as_of as (
    select as_of from {{ ref('stg_crm__export_as_of') }}
),

-- every touch on the deal counts towards the touches before a moment, also one logged before
-- the deal was created
numbered as (
    select
        interaction_id,
        opportunity_id,
        occurred_at,
        row_number() over deal_order as deal_touch_number,
        lag(occurred_at) over deal_order as previous_touch_at,
        count(*) over (
            partition by opportunity_id
            order by occurred_at
            range between unbounded preceding and interval '{{ window_days }} days' preceding
        ) as touches_before_window
    {%- if horizon_days < window_days %},
            -- touches that have left the window again when the interaction's horizon ends
            count(*) over (
                partition by opportunity_id
                order by occurred_at
                range between unbounded preceding and interval '{{ window_days - horizon_days }} days' preceding
            ) as touches_before_horizon_window
        {%- endif %}
    from interactions
    window deal_order as (partition by opportunity_id order by occurred_at, interaction_id)
),

while_open as (
    select
        numbered.*,
        outcomes.closed_at as deal_closed_at,
        outcomes.is_won as deal_is_won,
        states.stage_name,
        states.stage_order,
        states.amount,
        states.close_date,
        states.forecast_category
    from numbered
    inner join outcomes
        on numbered.opportunity_id = outcomes.opportunity_id
    inner join states
        on
            numbered.opportunity_id = states.opportunity_id
            and numbered.occurred_at >= states.valid_from
            and (states.valid_to is null or numbered.occurred_at < states.valid_to)
    where
        not states.is_closed_stage
        and numbered.occurred_at >= outcomes.created_at
        and (not outcomes.is_closed or numbered.occurred_at < outcomes.closed_at)
),

chained as (
    select
        while_open.*,
        lead(while_open.interaction_id) over deal_order as next_interaction_id,
        lead(while_open.occurred_at) over deal_order as next_interaction_at,
        {{ dbt.dateadd('day', horizon_days, 'while_open.occurred_at') }} as horizon_at
    from while_open
    window deal_order as (
        partition by while_open.opportunity_id
        order by while_open.occurred_at, while_open.interaction_id
    )
),

intervals as (
    select
        chained.interaction_id,
        chained.opportunity_id,
        chained.occurred_at,
        chained.stage_name,
        chained.stage_order,
        chained.amount,
        chained.close_date,
        chained.forecast_category,
        chained.deal_touch_number - 1 as touches_before,
        chained.deal_touch_number - 1 - chained.touches_before_window as touches_before_in_window,
        chained.previous_touch_at,
        -- after the interaction, when its interval ends at the horizon
        {%- if horizon_days < window_days %}
            chained.deal_touch_number - chained.touches_before_horizon_window
        {%- else %}
            0
        {%- endif %} as touches_in_window_at_horizon,
        case
            when
                chained.deal_closed_at is not null
                and (chained.next_interaction_at is null or chained.deal_closed_at <= chained.next_interaction_at)
                and chained.deal_closed_at <= chained.horizon_at
                then 'close'
            when
                chained.next_interaction_at is not null
                and chained.next_interaction_at <= as_of.as_of
                and chained.next_interaction_at <= chained.horizon_at
                then 'next_interaction'
            when as_of.as_of <= chained.horizon_at
                then 'as_of'
            else 'horizon'
        end as interval_end_reason,
        chained.next_interaction_id,
        chained.next_interaction_at,
        chained.deal_closed_at,
        chained.deal_is_won,
        chained.horizon_at,
        as_of.as_of
    from chained
    cross join as_of
),

ended as (
    select
        interaction_id,
        opportunity_id,
        occurred_at,
        stage_name,
        stage_order,
        amount,
        close_date,
        forecast_category,
        touches_before,
        touches_before_in_window,
        previous_touch_at,
        touches_in_window_at_horizon,
        interval_end_reason,
        case interval_end_reason
            when 'close' then deal_closed_at
            when 'next_interaction' then next_interaction_at
            when 'as_of' then as_of
            else horizon_at
        end as interval_ended_at,
        case when interval_end_reason = 'next_interaction' then next_interaction_id end as next_interaction_id,
        case when interval_end_reason = 'close' then deal_is_won end as is_won_at_interval_end
    from intervals
)

select * from ended
