{#- One row per day from 2000-01-01 to 2039-12-31, with the fiscal week (var week_start_day),
    fiscal quarter and fiscal year it falls in (var fiscal_year_start_month): MetricFlow's
    time spine, whose custom granularities fiscal_week, fiscal_quarter and fiscal_year group
    any metric by fiscal period (MetricFlow's own week always starts on Monday). -#}

with days as (
    {{ dbt.date_spine('day', "cast('2000-01-01' as date)", "cast('2040-01-01' as date)") }}
),

final as (
    select
        cast(date_day as date) as date_day,
        {{ fiscal_period_start('cast(date_day as date)', 'week') }} as fiscal_week,
        {{ fiscal_period_start('cast(date_day as date)', 'quarter') }} as fiscal_quarter,
        {{ fiscal_period_start('cast(date_day as date)', 'year') }} as fiscal_year
    from days
)

select * from final
