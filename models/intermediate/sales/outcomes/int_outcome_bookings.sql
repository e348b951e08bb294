{#- Bookings of tier 1: one row per grain (rep, team, company), grain id and fiscal period
    with won deals, counted for the owner at close in the period of the outcome date: the won
    deals, their amount, and those of them whose amount is unknown (never in the amount). -#}

with outcomes as (
    select * from {{ ref('int_opportunity_outcomes') }}
),

rep_grain_memberships as (
    select * from {{ ref('int_rep_grain_memberships') }}
),

won_deals as (
    select * from outcomes
    where is_won
),

won_attributed as (
    {{ attribute_to_grains_and_periods(
        'won_deals', 'owner_at_close_id', 'outcome_date', 'rep_grain_memberships', 'rep_id'
    ) }}
),

bookings as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        count(*) as won_count,
        sum(amount) as bookings_amount,
        sum(case when amount is null then 1 else 0 end) as won_unknown_amount_count
    from won_attributed
    group by grain, grain_id, period_grain, period_start
)

select * from bookings
