{#- One row per fiscal month, quarter and year from the one holding the first deal's
    creation to the one holding the as-of time: the reporting calendar every KPI table is
    laid on (periods with no activity still get rows). -#}

with opportunities as (
    select created_at from {{ ref('stg_salesforce__opportunities') }}
),

as_of as (
    select as_of from {{ ref('stg_salesforce__export_as_of') }}
),

bounds as (
    select
        {{ fiscal_period_start(to_reporting_date('min(opportunities.created_at)'), 'year') }} as first_year_start,
        {{ to_reporting_date('max(as_of.as_of)') }} as last_date
    from opportunities
    cross join as_of
),

months as (
    {{ dbt.date_spine('month', "cast('1990-01-01' as date)", "cast('2100-01-01' as date)") }}
),

fiscal_months as (
    select cast(months.date_month as date) as month_start
    from months
    cross join bounds
    where
        cast(months.date_month as date) >= bounds.first_year_start
        and cast(months.date_month as date) <= bounds.last_date
),

periods as (
    {%- for grain in ['month', 'quarter', 'year'] %}
        select distinct
            '{{ grain }}' as period_grain,
            {{ fiscal_period_start('month_start', grain) }} as period_start
        from fiscal_months
        {{- '\n    union all' if not loop.last }}
    {%- endfor %}
),

bounded as (
    select
        period_grain,
        period_start,
        case period_grain
            when 'month' then cast({{ dbt.dateadd('month', 1, 'period_start') }} as date)
            when 'quarter' then cast({{ dbt.dateadd('month', 3, 'period_start') }} as date)
            else cast({{ dbt.dateadd('month', 12, 'period_start') }} as date)
        end as period_end
    from periods
)

select * from bounded
