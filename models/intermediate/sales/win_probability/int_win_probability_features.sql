{#- One row per interaction on a deal that was open at that moment (a "moment"), with the
    win-probability features just before and just after the interaction (the after-state
    counts the interaction itself), the deal's amount then (corporate currency), and for deals that have closed since,
    the final outcome (is_training). One deal in five or so (by a hash of its id) is held
    out from fitting to measure calibration honestly. -#}

{%- set window_days = var('interaction_feature_window_days') | int %}

with interactions as (
    select * from {{ ref('int_interactions_unified') }}
),

states as (
    select * from {{ ref('int_opportunity_states_historized') }}
),

visits as (
    select * from {{ ref('int_stage_visits') }}
),

opportunities as (
    select * from {{ ref('stg_salesforce__opportunities') }}
),

funnel as (
    select * from {{ ref('stg_salesforce__stage_funnel') }}
),

rates as (
    select * from {{ ref('int_currency_rates_dated') }}
),

open_stage_count as (
    select count(*) as open_stages
    from funnel
    where not is_closed
),

deal_interactions as (
    select
        interaction_id,
        opportunity_id,
        occurred_at,
        interaction_type
    from interactions
    where opportunity_id is not null
),

window_counts as (
    select
        deal_interactions.*,
        count(*) over recent as interactions_after,
        sum(case when deal_interactions.interaction_type = 'call' then 1 else 0 end) over recent as calls_after,
        sum(case when deal_interactions.interaction_type = 'email' then 1 else 0 end) over recent as emails_after,
        sum(case when deal_interactions.interaction_type = 'meeting' then 1 else 0 end) over recent as meetings_after
    from deal_interactions
    window recent as (
        partition by opportunity_id
        order by occurred_at
        range between interval '{{ window_days }} days' preceding and current row
    )
),

moments as (
    select
        window_counts.interaction_id,
        window_counts.opportunity_id,
        window_counts.occurred_at,
        window_counts.interaction_type,
        states.stage_name,
        states.stage_order,
        -- the deal's amount then, in the corporate currency at that day's rate
        cast(states.amount / rates.conversion_rate as decimal(18, 2)) as amount,
        states.forecast_category,
        visits.entered_at as stage_entered_at,
        opportunities.created_at as deal_created_at,
        opportunities.is_closed as deal_is_closed,
        opportunities.is_won as deal_is_won,
        window_counts.interactions_after,
        window_counts.calls_after,
        window_counts.emails_after,
        window_counts.meetings_after,
        window_counts.interactions_after - 1 as interactions_before,
        window_counts.calls_after - case when window_counts.interaction_type = 'call' then 1 else 0 end
            as calls_before,
        window_counts.emails_after - case when window_counts.interaction_type = 'email' then 1 else 0 end
            as emails_before,
        window_counts.meetings_after - case when window_counts.interaction_type = 'meeting' then 1 else 0 end
            as meetings_before
    from window_counts
    inner join states
        on
            window_counts.opportunity_id = states.opportunity_id
            and window_counts.occurred_at >= states.valid_from
            and (states.valid_to is null or window_counts.occurred_at < states.valid_to)
            and not states.is_closed_stage
    inner join opportunities
        on window_counts.opportunity_id = opportunities.opportunity_id
    left join rates
        on
            opportunities.currency_code = rates.currency_code
            and cast(window_counts.occurred_at as date) >= rates.valid_from
            and cast(window_counts.occurred_at as date) < rates.valid_to
    left join visits
        on
            window_counts.opportunity_id = visits.opportunity_id
            and states.stage_name = visits.stage_name
            and window_counts.occurred_at >= visits.entered_at
            and (visits.exited_at is null or window_counts.occurred_at < visits.exited_at)
),

features as (
    select
        moments.interaction_id,
        moments.opportunity_id,
        moments.occurred_at,
        moments.interaction_type,
        moments.stage_name,
        moments.amount,
        cast(moments.stage_order as {{ type_double() }}) / open_stage_count.open_stages as feature_stage_progress,
        ln(
            1
            + greatest(
                {{ days_between('coalesce(moments.stage_entered_at, moments.deal_created_at)',
                                'moments.occurred_at') }},
                0
            )
        )
            as feature_log_days_in_stage,
        ln(1 + greatest({{ days_between('moments.deal_created_at', 'moments.occurred_at') }}, 0))
            as feature_log_deal_age_days,
        ln(1 + greatest(coalesce(cast(moments.amount as {{ type_double() }}), 0), 0)) as feature_log_amount,
        ln(1 + moments.interactions_after) as feature_log_interactions,
        ln(1 + moments.calls_after) as feature_log_calls,
        ln(1 + moments.emails_after) as feature_log_emails,
        ln(1 + moments.meetings_after) as feature_log_meetings,
        case when moments.forecast_category = 'Commit' then 1.0 else 0.0 end as feature_is_commit,
        case when moments.forecast_category = 'Best Case' then 1.0 else 0.0 end as feature_is_best_case,
        ln(1 + moments.interactions_before) as feature_log_interactions_before,
        ln(1 + moments.calls_before) as feature_log_calls_before,
        ln(1 + moments.emails_before) as feature_log_emails_before,
        ln(1 + moments.meetings_before) as feature_log_meetings_before,
        coalesce(moments.deal_is_closed, false) as is_training,
        case when moments.deal_is_closed then coalesce(moments.deal_is_won, false) end as is_won,
        right({{ dbt.hash('moments.opportunity_id') }}, 1) in ('0', '1', '2') as is_holdout
    from moments
    cross join open_stage_count
)

select * from features
