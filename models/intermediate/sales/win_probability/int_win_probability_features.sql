{#- One row per interaction on a deal that was open at that moment (a "moment"), with the
    win-probability features just before and just after the interaction (the after-state
    counts the interaction itself), the deal's amount then (corporate currency), and for deals
    closed by the as-of time, their outcome then (is_training; int_opportunity_outcomes, not the
    export's current IsClosed/IsWon, so a past as-of never learns from later closes). One deal
    in five or so (by a hash of its id) is held out from fitting to measure calibration
    honestly.

    Incremental on DuckDB, opportunity by opportunity (strategy replace_keys): a deal's rows
    are computed again only when its fingerprint changes, i.e. its interactions, stage
    states, visits or own row, or what all deals share (the window, the open stages, the
    currency rates). --full-refresh rebuilds every deal. -#}
{{ config(
    materialized='incremental' if target.type == 'duckdb' else 'table',
    incremental_strategy='replace_keys',
    unique_key='opportunity_id',
    on_schema_change='fail',
) }}

{%- set window_days = var('interaction_feature_window_days') | int %}
{%- set keyed = config.get('materialized') == 'incremental' %}

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

-- each deal's outcome as of the as-of time (a deal closed later is still open: its outcome
-- is not known yet and it is no training example)
outcomes as (
    select
        opportunity_id,
        is_closed,
        is_won
    from {{ ref('int_opportunity_outcomes') }}
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

all_deal_interactions as (
    select
        interaction_id,
        opportunity_id,
        occurred_at,
        interaction_type
    from interactions
    where opportunity_id is not null
),

{% if keyed -%}
    shared_fingerprint as (
        select
            hash(
                {{ window_days }},
                max(open_stage_count.open_stages),
                sum(hash(rates.currency_code, rates.valid_from, rates.valid_to, rates.conversion_rate))
            ) as shared_fingerprint
        from rates
        cross join open_stage_count
    ),

    interaction_fingerprints as (
        select
            opportunity_id,
            sum(hash(interaction_id, occurred_at, interaction_type)) as interactions_fingerprint
        from all_deal_interactions
        group by opportunity_id
    ),

    state_fingerprints as (
        select
            opportunity_id,
            sum(hash(valid_from, valid_to, is_closed_stage, stage_name, stage_order, amount, forecast_category))
                as states_fingerprint
        from states
        group by opportunity_id
    ),

    visit_fingerprints as (
        select
            opportunity_id,
            sum(hash(stage_name, entered_at, exited_at)) as visits_fingerprint
        from visits
        group by opportunity_id
    ),

    -- one row per deal with interactions: a deal without any has no rows to keep up to date
    key_fingerprints as {{ materialized_cte() if is_incremental() }} (
        select
            interaction_fingerprints.opportunity_id,
            hash(
                interaction_fingerprints.interactions_fingerprint,
                state_fingerprints.states_fingerprint,
                visit_fingerprints.visits_fingerprint,
                hash(
                    opportunities.created_at, outcomes.is_closed, outcomes.is_won,
                    opportunities.currency_code
                ),
                shared_fingerprint.shared_fingerprint
            ) as _key_fingerprint
        from interaction_fingerprints
        cross join shared_fingerprint
        left join state_fingerprints
            on interaction_fingerprints.opportunity_id = state_fingerprints.opportunity_id
        left join visit_fingerprints
            on interaction_fingerprints.opportunity_id = visit_fingerprints.opportunity_id
        left join opportunities
            on interaction_fingerprints.opportunity_id = opportunities.opportunity_id
        left join outcomes
            on interaction_fingerprints.opportunity_id = outcomes.opportunity_id
    ),

    {{ changed_keys_ctes('opportunity_id', 'key_fingerprints') }}
{% endif %}

-- the fingerprint joins the narrow interaction rows, not the finished wide ones: DuckDB
-- builds its hash table on the smaller side only when it can tell which one that is
deal_interactions as (
    select
        all_deal_interactions.*,
        {{ 'key_fingerprints._key_fingerprint' if keyed else 'cast(null as ' ~ dbt.type_bigint() ~ ')' }}
            as _key_fingerprint
    from all_deal_interactions
    {% if keyed -%}
        inner join key_fingerprints
            on all_deal_interactions.opportunity_id = key_fingerprints.opportunity_id
    {%- endif %}
    where {{ only_changed_keys('all_deal_interactions.opportunity_id', 'opportunity_id') }}
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
        window_counts._key_fingerprint,
        states.stage_name,
        states.stage_order,
        -- the deal's amount then, in the corporate currency at that day's rate
        cast(states.amount / rates.conversion_rate as decimal(18, 2)) as amount,
        states.forecast_category,
        visits.entered_at as stage_entered_at,
        opportunities.created_at as deal_created_at,
        outcomes.is_closed as deal_is_closed,
        outcomes.is_won as deal_is_won,
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
    left join outcomes
        on window_counts.opportunity_id = outcomes.opportunity_id
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
        right({{ dbt.hash('moments.opportunity_id') }}, 1) in ('0', '1', '2') as is_holdout,
        moments._key_fingerprint
    from moments
    cross join open_stage_count
)

select * from features
{{- changed_key_markers('opportunity_id', [
    'interaction_id', 'opportunity_id', 'occurred_at', 'interaction_type', 'stage_name', 'amount',
    'feature_stage_progress', 'feature_log_days_in_stage', 'feature_log_deal_age_days', 'feature_log_amount',
    'feature_log_interactions', 'feature_log_calls', 'feature_log_emails', 'feature_log_meetings',
    'feature_is_commit', 'feature_is_best_case', 'feature_log_interactions_before', 'feature_log_calls_before',
    'feature_log_emails_before', 'feature_log_meetings_before', 'is_training', 'is_won', 'is_holdout']) }}
