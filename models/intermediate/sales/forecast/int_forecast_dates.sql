{#- One row per fiscal period (int_fiscal_periods, every period grain) and date a forecast of
    its bookings is made on: the period's start and every week start inside it (the dates of
    int_pipeline_dates that are fiscal_period_start(date, 'week')), up to the as-of date, each
    taken at its reporting midnight; and, for the period still running at the as-of time, the
    as-of moment itself (is_latest). -#}

with periods as (
    select * from {{ ref('int_fiscal_periods') }}
),

pipeline_dates as (
    select * from {{ ref('int_pipeline_dates') }}
),

as_of as (
    select as_of from {{ ref('stg_crm__export_as_of') }}
),

week_starts as (
    select
        periods.period_grain,
        periods.period_start,
        periods.period_end,
        pipeline_dates.snapshot_date as forecast_date,
        pipeline_dates.snapshot_at as forecast_at,
        false as is_latest
    from periods
    inner join pipeline_dates
        on
            periods.period_start <= pipeline_dates.snapshot_date
            and periods.period_end > pipeline_dates.snapshot_date
    where
        pipeline_dates.snapshot_date = periods.period_start
        or pipeline_dates.snapshot_date = {{ fiscal_period_start('pipeline_dates.snapshot_date', 'week') }}
),

as_of_forecasts as (
    select
        periods.period_grain,
        periods.period_start,
        periods.period_end,
        {{ to_reporting_date('as_of.as_of') }} as forecast_date,
        as_of.as_of as forecast_at,
        true as is_latest
    from periods
    cross join as_of
    where
        periods.period_start <= {{ to_reporting_date('as_of.as_of') }}
        and periods.period_end > {{ to_reporting_date('as_of.as_of') }}
),

forecast_dates as (
    select * from week_starts
    union all
    select * from as_of_forecasts
)

select * from forecast_dates
