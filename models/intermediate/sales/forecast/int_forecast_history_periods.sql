{#- One row per forecast (int_forecast_dates: period and forecast date) and earlier period of
    the same period grain it learns from: the var forecast_learning_periods most recent periods
    that had ended by the forecast date (period end on or before it, so their bookings were all
    known then), history_rank 1 the latest, and each one's equivalent point: its start plus the
    days of the forecast's period elapsed at the forecast date (the same days elapsed; may lie
    past a shorter period's end). The new-deal bookings and the error spread of a forecast are
    learnt from these periods only. -#}

{%- set learning_periods = var('forecast_learning_periods') | int %}

with forecast_dates as (
    select * from {{ ref('int_forecast_dates') }}
),

periods as (
    select * from {{ ref('int_fiscal_periods') }}
),

ended_periods as (
    select
        forecast_dates.period_grain,
        forecast_dates.period_start,
        forecast_dates.forecast_date,
        forecast_dates.is_latest,
        periods.period_start as history_period_start,
        periods.period_end as history_period_end,
        cast(
            {{ dbt.dateadd(
                'day',
                dbt.datediff('forecast_dates.period_start', 'forecast_dates.forecast_date', 'day'),
                'periods.period_start'
            ) }} as date
        ) as history_cutoff_date,
        row_number() over (
            partition by
                forecast_dates.period_grain, forecast_dates.period_start,
                forecast_dates.forecast_date, forecast_dates.is_latest
            order by periods.period_start desc
        ) as history_rank
    from forecast_dates
    inner join periods
        on
            forecast_dates.period_grain = periods.period_grain
            and forecast_dates.forecast_date >= periods.period_end
),

recent_periods as (
    select * from ended_periods
    where history_rank <= {{ learning_periods }}
)

select * from recent_periods
