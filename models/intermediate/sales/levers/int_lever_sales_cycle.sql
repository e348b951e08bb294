{#- Sales cycle lever: one row per grain (rep, team, company), grain id and fiscal period
    with won deals. A won deal counts for its owner at close in the period of its outcome
    date: the won deals, their amount (a deal whose amount is unknown counts in
    won_unknown_amount_count, never in the amount), the sum and median of their sales cycle
    days. -#}

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

cycles as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        count(*) as won_count,
        sum(amount) as won_amount,
        sum(case when amount is null then 1 else 0 end) as won_unknown_amount_count,
        {{ publish_sum('sales_cycle_days', 'days') }} as sales_cycle_days_sum,
        {{ percentile_cont('sales_cycle_days', 0.5) }} as median_sales_cycle_days
    from won_attributed
    group by grain, grain_id, period_grain, period_start
)

select * from cycles
