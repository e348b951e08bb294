{#- One row per quota owner and fiscal period: the quota for that period in the corporate
    currency. A quota row covers var('quota_period_grain') from its start date (a quarter
    by default) and is spread evenly over its months, so monthly, quarterly and yearly
    quotas add up. Money is cents (decimal(18, 2)) throughout, so every sum is exact: the
    quota is converted to the corporate currency and rounded to the cent, each month but the
    last gets the quota / months rounded down to the cent, and the last month the cents left
    (30,000.00 over three months: 10,000.00 each; 100,000.00: 33,333.33, 33,333.33 and
    33,333.34), so the months of a quota add up to it exactly. A period's quota is always its
    full quota, also while the period runs: every month of a quota counts, those after the
    as-of time included, for every period of the fiscal years in the reporting calendar (the
    marts lay it on their own periods; the semantic layer sums the months). -#}

{%- set months_per_quota = {'month': 1, 'quarter': 3, 'year': 12}[var('quota_period_grain')] %}

with quotas as (
    select * from {{ ref('stg_crm__quotas') }}
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

-- each quota in the corporate currency (to the cent), and its share in each month but the last
converted as (
    select
        quotas.owner_id,
        quotas.start_date,
        cast(quotas.quota_amount / rates.conversion_rate as {{ revops_number_type('amount') }}) as quota_amount,
        cast(
            floor(
                cast(quotas.quota_amount / rates.conversion_rate as {{ revops_number_type('amount') }})
                * 100 / {{ months_per_quota }}
            ) / 100 as {{ revops_number_type('amount') }}
        ) as month_share_amount
    from quotas
    left join rates
        on
            quotas.currency_code = rates.currency_code
            and quotas.start_date >= rates.valid_from
            and quotas.start_date < rates.valid_to
),

quota_months as (
    select
        converted.owner_id,
        -- from the month the quota starts in (a start on the 15th still covers its month)
        cast(
            {{ dbt.dateadd(
                'month', 'month_offsets.month_offset', fiscal_period_start('converted.start_date', 'month')
            ) }}
            as date
        ) as month_start,
        -- the last month takes the cents left, so the months add up to the quota exactly
        case
            when month_offsets.month_offset < {{ months_per_quota - 1 }} then converted.month_share_amount
            else
                converted.quota_amount
                - {{ months_per_quota - 1 }} * converted.month_share_amount
        end as month_quota_amount
    from converted
    cross join month_offsets
),

calendar_months as (
    select quota_months.*
    from quota_months
    inner join calendar_years
        on {{ fiscal_period_start('quota_months.month_start', 'year') }} = calendar_years.year_start
),

by_period as (
    {%- for grain in month_period_grains() %}
        select
            owner_id,
            '{{ grain }}' as period_grain,
            {{ fiscal_period_start('month_start', grain) }} as period_start,
            cast(sum(month_quota_amount) as {{ revops_number_type('amount') }}) as quota_amount
        from calendar_months
        group by owner_id, {{ fiscal_period_start('month_start', grain) }}
        {{- '\n    union all' if not loop.last }}
    {%- endfor %}
)

select * from by_period
