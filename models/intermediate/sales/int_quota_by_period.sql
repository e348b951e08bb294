{#- One row per quota owner and fiscal period: the quota for that period in the corporate
    currency. A quota row covers var('quota_period_grain') from its start date (a quarter
    by default) and is spread evenly over its months, so monthly, quarterly and yearly
    quotas add up. -#}

{%- set months_per_quota = {'month': 1, 'quarter': 3, 'year': 12}[var('quota_period_grain')] %}

with quotas as (
    select * from {{ ref('stg_salesforce__forecasting_quotas') }}
),

rates as (
    select * from {{ ref('int_currency_rates_dated') }}
),

months as (
    select period_start as month_start
    from {{ ref('int_fiscal_periods') }}
    where period_grain = 'month'
),

quota_months as (
    select
        quotas.owner_id,
        months.month_start,
        quotas.quota_amount / rates.conversion_rate / {{ months_per_quota }} as month_quota_amount
    from quotas
    inner join months
        on
            -- from the month the quota starts in (a start on the 15th still covers its month)
            {{ fiscal_period_start('quotas.start_date', 'month') }} <= months.month_start
            and months.month_start < cast(
                {{ dbt.dateadd('month', months_per_quota, fiscal_period_start('quotas.start_date', 'month')) }} as date
            )
    left join rates
        on
            quotas.currency_code = rates.currency_code
            and quotas.start_date >= rates.valid_from
            and quotas.start_date < rates.valid_to
),

by_period as (
    {%- for grain in ['month', 'quarter', 'year'] %}
        select
            owner_id,
            '{{ grain }}' as period_grain,
            {{ fiscal_period_start('month_start', grain) }} as period_start,
            sum(month_quota_amount) as quota_amount
        from quota_months
        group by owner_id, {{ fiscal_period_start('month_start', grain) }}
        {{- '\n    union all' if not loop.last }}
    {%- endfor %}
)

select * from by_period
