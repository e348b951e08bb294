{#- One row per deal owner per month: of the deals the owner closed in the twelve months before
    the month started (owner at close, close date in the reporting time zone, outcomes as of the
    as-of time), how many and how many were won, and the owner's trailing win rate, smoothed
    towards the company's trailing win rate over the same months as if the owner had closed
    five more deals at that rate (0.5 when the company closed none). Known on every day of the
    month, so the win-probability model reads it as a feature of any moment without looking
    ahead. -#}
{%- set smoothing_deals = 5 %}

with outcomes as (
    select
        owner_at_close_id as owner_id,
        closed_date,
        is_won
    from {{ ref('int_opportunity_outcomes') }}
    where is_closed and owner_at_close_id is not null
),

months as (
    select period_start as month_start
    from {{ ref('int_fiscal_periods') }}
    where period_grain = 'month'
),

owners as (
    select distinct owner_id
    from {{ ref('int_opportunity_owners_historized') }}
    where owner_id is not null
),

closes_per_owner_month as (
    select
        owner_id,
        cast({{ dbt.date_trunc('month', 'closed_date') }} as date) as month_start,
        count(*) as closed_deal_count,
        sum(case when is_won then 1 else 0 end) as won_deal_count
    from outcomes
    group by owner_id, cast({{ dbt.date_trunc('month', 'closed_date') }} as date)
),

owner_months as (
    select
        owners.owner_id,
        months.month_start
    from owners
    cross join months
),

-- the twelve months before each month, the month itself left out
trailing_closes as (
    select
        owner_months.owner_id,
        owner_months.month_start,
        coalesce(sum(closes_per_owner_month.closed_deal_count), 0) as trailing_closed_deal_count,
        coalesce(sum(closes_per_owner_month.won_deal_count), 0) as trailing_won_deal_count
    from owner_months
    left join closes_per_owner_month
        on
            owner_months.owner_id = closes_per_owner_month.owner_id
            and owner_months.month_start > closes_per_owner_month.month_start
            and closes_per_owner_month.month_start
            >= cast({{ dbt.dateadd('month', -12, 'owner_months.month_start') }} as date)
    group by owner_months.owner_id, owner_months.month_start
),

company as (
    select
        month_start,
        sum(trailing_closed_deal_count) as company_closed_deal_count,
        sum(trailing_won_deal_count) as company_won_deal_count
    from trailing_closes
    group by month_start
),

rates as (
    select
        trailing_closes.owner_id,
        trailing_closes.month_start,
        trailing_closes.trailing_closed_deal_count,
        trailing_closes.trailing_won_deal_count,
        coalesce(
            cast(company.company_won_deal_count as {{ type_double() }})
            / nullif(company.company_closed_deal_count, 0),
            0.5
        ) as company_trailing_win_rate
    from trailing_closes
    inner join company
        on trailing_closes.month_start = company.month_start
),

smoothed as (
    select
        owner_id,
        month_start,
        trailing_closed_deal_count,
        trailing_won_deal_count,
        company_trailing_win_rate,
        (trailing_won_deal_count + {{ smoothing_deals }} * company_trailing_win_rate)
        / (trailing_closed_deal_count + {{ smoothing_deals }}) as owner_trailing_win_rate
    from rates
)

select * from smoothed
