{#- One row per quota owner and fiscal period: the quota for that period in the corporate
    currency. A quota row covers var('quota_period_grain') from its start date (a quarter
    by default) and is spread evenly over its months, so monthly, quarterly and yearly
    quotas add up. A period's quota is always its full quota, also while the period runs:
    every month of a quota counts, those after the as-of time included, for every period of
    the fiscal years in the reporting calendar (the marts lay it on their own periods; the
    semantic layer sums the months). -#}

{%- set months_per_quota = {'month': 1, 'quarter': 3, 'year': 12}[var('quota_period_grain')] %}

with quotas as (
    select * from {{ ref('stg_salesforce__forecasting_quotas') }}
),

rates as (
    select * from {{ ref('int_currency_rates_dated') }}
),

calendar_years as (
    select period_start as year_start
    from {{ ref('int_fiscal_periods') }}
    where period_grain = 'year'
),

month_offsets as (
    {%- for offset in range(months_per_quota) %}
        select {{ offset }} as month_offset
        {{- '\n    union all' if not loop.last }}
    {%- endfor %}
),

quota_months as (
    select
        quotas.owner_id,
        -- from the month the quota starts in (a start on the 15th still covers its month)
        cast(
            {{ dbt.dateadd('month', 'month_offsets.month_offset', fiscal_period_start('quotas.start_date', 'month')) }}
            as date
        ) as month_start,
        quotas.quota_amount / rates.conversion_rate / {{ months_per_quota }} as month_quota_amount
    from quotas
    cross join month_offsets
    left join rates
        on
            quotas.currency_code = rates.currency_code
            and quotas.start_date >= rates.valid_from
            and quotas.start_date < rates.valid_to
),

calendar_months as (
    select quota_months.*
    from quota_months
    inner join calendar_years
        on {{ fiscal_period_start('quota_months.month_start', 'year') }} = calendar_years.year_start
),

by_period as (
    {%- for grain in ['month', 'quarter', 'year'] %}
        select
            owner_id,
            '{{ grain }}' as period_grain,
            {{ fiscal_period_start('month_start', grain) }} as period_start,
            sum(month_quota_amount) as quota_amount
        from calendar_months
        group by owner_id, {{ fiscal_period_start('month_start', grain) }}
        {{- '\n    union all' if not loop.last }}
    {%- endfor %}
)

select * from by_period
