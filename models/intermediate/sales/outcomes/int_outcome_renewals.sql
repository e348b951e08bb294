{#- Renewals of tier 1: one row per grain (rep, team, company), grain id and fiscal period
    with renewal deals closed, counted for the owner at close in the period of the outcome
    date: the renewals closed and, of them, won. -#}

with outcomes as (
    select * from {{ ref('int_opportunity_outcomes') }}
),

rep_grain_memberships as (
    select * from {{ ref('int_rep_grain_memberships') }}
),

closed_deals as (
    select * from outcomes
    where is_closed
),

closed_attributed as (
    {{ attribute_to_grains_and_periods(
        'closed_deals', 'owner_at_close_id', 'outcome_date', 'rep_grain_memberships', 'rep_id'
    ) }}
),

renewals as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        sum(case when is_won then 1 else 0 end) as renewal_won_count,
        count(*) as renewal_closed_count
    from closed_attributed
    where is_renewal
    group by grain, grain_id, period_grain, period_start
)

select * from renewals
