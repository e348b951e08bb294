{#- One row per fiscal week, month, quarter and year from the fiscal year holding the first
    deal's creation to the period holding the as-of time: the reporting calendar every KPI
    table is laid on (periods with no activity still get rows). Weeks start on the weekday
    var('week_start_day'), from the week holding the first fiscal year's start, and carry the
    fiscal month, quarter and year of their first day (the periods they belong to). -#}

with opportunities as (
    select created_at from {{ ref('stg_crm__opportunities') }}
),

as_of as (
    select as_of from {{ ref('stg_crm__export_as_of') }}
),

bounds as (
    select
        {{ fiscal_period_start(to_reporting_date('min(opportunities.created_at)'), 'year') }} as first_year_start,
        {{ to_reporting_date('max(as_of.as_of)') }} as last_date
    from opportunities
    cross join as_of
),

fiscal_months as (
    {{ date_spine_between('month', 'bounds', 'first_year_start', 'last_date', 'month_start') }}
),

-- every day of the calendar: weeks do not start on the first of a month, so they are taken
-- from the days (about 365 a year, computed, not range-joined)
calendar_days as (
    {{ date_spine_between('day', 'bounds', 'first_year_start', 'last_date', 'day_start') }}
),

periods as (
    select distinct
        'week' as period_grain,
        {{ fiscal_period_start('day_start', 'week') }} as period_start
    from calendar_days
    {%- for grain in month_period_grains() %}
        union all
        select distinct
            '{{ grain }}' as period_grain,
            {{ fiscal_period_start('month_start', grain) }} as period_start
        from fiscal_months
    {%- endfor %}
),

bounded as (
    select
        period_grain,
        period_start,
        case period_grain
            when 'week' then cast({{ dbt.dateadd('day', 7, 'period_start') }} as date)
            when 'month' then cast({{ dbt.dateadd('month', 1, 'period_start') }} as date)
            when 'quarter' then cast({{ dbt.dateadd('month', 3, 'period_start') }} as date)
            else cast({{ dbt.dateadd('month', 12, 'period_start') }} as date)
        end as period_end,
        {{ fiscal_period_start('period_start', 'month') }} as fiscal_month_start,
        {{ fiscal_period_start('period_start', 'quarter') }} as fiscal_quarter_start,
        {{ fiscal_period_start('period_start', 'year') }} as fiscal_year_start
    from periods
)

select * from bounded
