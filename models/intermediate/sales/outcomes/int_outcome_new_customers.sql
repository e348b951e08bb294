{#- New customers of tier 1: one row per grain (rep, team, company), grain id and fiscal period
    with accounts won for the first time. An account's first win is its earliest won deal (by
    outcome date, close time, then deal id); it counts for that deal's owner at close in the
    period of its outcome date. -#}

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

first_wins as (
    select
        account_id,
        min(closed_at) as first_won_at
    from won_deals
    group by account_id
),

new_customer_deals as (
    select
        won_deals.*,
        row_number() over (
            partition by won_deals.account_id
            order by won_deals.outcome_date, won_deals.closed_at, won_deals.opportunity_id
        ) as win_number
    from won_deals
    inner join first_wins
        on won_deals.account_id = first_wins.account_id
),

first_win_deals as (
    select * from new_customer_deals
    where win_number = 1
),

new_customers_attributed as (
    {{ attribute_to_grains_and_periods(
        'first_win_deals', 'owner_at_close_id', 'outcome_date', 'rep_grain_memberships', 'rep_id'
    ) }}
),

new_customers as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        count(*) as new_customer_count
    from new_customers_attributed
    group by grain, grain_id, period_grain, period_start
)

select * from new_customers
