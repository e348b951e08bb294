{#- Quota-carrying reps of tier 1: one row per grain (rep, team, company), grain id and fiscal
    period (month, quarter, year) in which reps carry a quota above 0: how many. -#}

with quotas as (
    select * from {{ ref('int_quota_by_period') }}
),

rep_grain_memberships as (
    select * from {{ ref('int_rep_grain_memberships') }}
),

quota_attributed as (
    {{ attribute_to_grains('quotas', 'owner_id', 'rep_grain_memberships', 'rep_id') }}
),

quota_reps as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        count(distinct owner_id) as quota_carrying_rep_count
    from quota_attributed
    where quota_amount > 0
    group by grain, grain_id, period_grain, period_start
)

select * from quota_reps
