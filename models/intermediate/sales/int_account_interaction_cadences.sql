{#- One row per account with at least one interaction: how many, the first and last, and
    the cadence: the median gap in days between consecutive interactions on the account
    (null with a single interaction), and whether that is within the var cadence_target_days.
    The account-engagement KPI takes the same measure per period. -#}

with interactions as (
    select * from {{ ref('int_interactions_unified') }}
),

cadences as (
    select
        account_id,
        count(*) as interaction_count,
        min(occurred_at) as first_interaction_at,
        max(occurred_at) as last_interaction_at,
        {{ percentile_cont('days_since_previous_account_interaction', 0.5) }} as median_days_between_interactions
    from interactions
    where account_id is not null
    group by account_id
),

judged as (
    select
        cadences.*,
        coalesce(cadences.median_days_between_interactions <= {{ var('cadence_target_days') }}, false)
            as is_within_cadence_target
    from cadences
)

select * from judged
