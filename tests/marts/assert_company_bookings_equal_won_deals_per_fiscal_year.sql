-- Bookings reconcile with the deals: for every fiscal year, the company's bookings_amount and
-- won_count in rpt_kpi_tier1_outcomes equal the amount and number of the deals in
-- dim_opportunities that are won and whose outcome_date falls in that fiscal year (var
-- fiscal_year_start_month). A year on one side only fails too: a won deal outside the
-- reporting calendar, or bookings without a deal. A failing row names the year and both sides.
with company_years as (
    select
        period_start as fiscal_year_start,
        won_count,
        bookings_amount
    from {{ ref('rpt_kpi_tier1_outcomes') }}
    where grain = 'company' and period_grain = 'year'
),

won_deals as (
    select
        amount,
        {{ fiscal_period_start('outcome_date', 'year') }} as fiscal_year_start
    from {{ ref('dim_opportunities') }}
    where is_won
),

deal_years as (
    select
        fiscal_year_start,
        count(*) as won_count,
        coalesce(sum(amount), 0) as bookings_amount
    from won_deals
    group by fiscal_year_start
),

compared as (
    select
        company_years.won_count as company_won_count,
        company_years.bookings_amount as company_bookings_amount,
        deal_years.won_count as deal_won_count,
        deal_years.bookings_amount as deal_bookings_amount,
        coalesce(company_years.fiscal_year_start, deal_years.fiscal_year_start) as fiscal_year_start
    from company_years
    full outer join deal_years
        on company_years.fiscal_year_start = deal_years.fiscal_year_start
)

select * from compared
where
    coalesce(company_won_count, 0) <> coalesce(deal_won_count, 0)
    or coalesce(company_bookings_amount, 0) <> coalesce(deal_bookings_amount, 0)
    or company_won_count is null
