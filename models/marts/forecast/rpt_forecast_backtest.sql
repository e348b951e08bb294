{#- One row per grain, closed fiscal period (its end on or before the as-of date) and forecast
    date of the period (rpt_forecast): the forecast made then against the period's actual
    bookings (rpt_kpi_tier1_outcomes.bookings_amount, the tier 1 bookings rule): the absolute
    error of the expected value, of the P50 and of the Commit call, each with its absolute
    percentage error (the error / the actual; null when the actual is 0), and whether the
    actual fell inside P10-P90. -#}

with forecasts as (
    select * from {{ ref('rpt_forecast') }}
),

outcomes as (
    select * from {{ ref('rpt_kpi_tier1_outcomes') }}
),

as_of as (
    select as_of from {{ ref('stg_salesforce__export_as_of') }}
),

closed_forecasts as (
    select forecasts.*
    from forecasts
    cross join as_of
    where forecasts.period_end <= {{ to_reporting_date('as_of.as_of') }} and not forecasts.is_latest
),

scored as (
    select
        closed_forecasts.grain,
        closed_forecasts.grain_id,
        closed_forecasts.period_grain,
        closed_forecasts.period_start,
        closed_forecasts.forecast_date,
        closed_forecasts.forecast_method,
        closed_forecasts.open_deal_count,
        cast(coalesce(outcomes.bookings_amount, 0) as decimal(18, 2)) as actual_amount,
        cast(closed_forecasts.expected_amount as decimal(18, 2)) as expected_amount,
        cast(closed_forecasts.p10_amount as decimal(18, 2)) as p10_amount,
        cast(closed_forecasts.p50_amount as decimal(18, 2)) as p50_amount,
        cast(closed_forecasts.p90_amount as decimal(18, 2)) as p90_amount,
        cast(closed_forecasts.commit_amount as decimal(18, 2)) as commit_amount,
        closed_forecasts.forecast_date = closed_forecasts.period_start as is_period_start_forecast
    from closed_forecasts
    left join outcomes
        on
            closed_forecasts.grain = outcomes.grain
            and closed_forecasts.grain_id = outcomes.grain_id
            and closed_forecasts.period_grain = outcomes.period_grain
            and closed_forecasts.period_start = outcomes.period_start
),

errors as (
    select
        *,
        abs(expected_amount - actual_amount) as expected_abs_error_amount,
        abs(p50_amount - actual_amount) as p50_abs_error_amount,
        abs(commit_amount - actual_amount) as commit_abs_error_amount,
        actual_amount >= p10_amount and actual_amount <= p90_amount as is_actual_in_band
    from scored
),

final as (
    select
        *,
        cast(expected_abs_error_amount as {{ type_double() }})
        / nullif(cast(actual_amount as {{ type_double() }}), 0) as expected_abs_pct_error_rate,
        cast(p50_abs_error_amount as {{ type_double() }})
        / nullif(cast(actual_amount as {{ type_double() }}), 0) as p50_abs_pct_error_rate,
        cast(commit_abs_error_amount as {{ type_double() }})
        / nullif(cast(actual_amount as {{ type_double() }}), 0) as commit_abs_pct_error_rate
    from errors
)

{{ select_contract_columns('final') }}
