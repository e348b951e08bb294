{#- One row per grain, period grain and forecast point ('period_start': the forecasts made at
    the periods' starts; 'all_forecast_dates': those and every week start's): the backtested
    accuracy of the model forecast against the Commit call over the closed periods
    (rpt_forecast_backtest): mean absolute percentage error of the expected value, of the P50
    and of the Commit call over the forecasts whose actual was not 0 (sum of the percentage
    errors / their count), and the share of actuals inside P10-P90 over all forecasts
    (calibrated: about 0.8). -#}

with backtest as (
    select * from {{ ref('rpt_forecast_backtest') }}
),

forecast_points as (
    select
        'all_forecast_dates' as forecast_point,
        backtest.*
    from backtest
    union all
    select
        'period_start' as forecast_point,
        backtest.*
    from backtest
    where is_period_start_forecast
),

summarised as (
    select
        grain,
        period_grain,
        forecast_point,
        count(*) as forecast_count,
        count(expected_abs_pct_error_rate) as scored_forecast_count,
        sum(expected_abs_pct_error_rate) as expected_abs_pct_error_rate_sum,
        sum(p50_abs_pct_error_rate) as p50_abs_pct_error_rate_sum,
        sum(commit_abs_pct_error_rate) as commit_abs_pct_error_rate_sum,
        sum(case when is_actual_in_band then 1 else 0 end) as in_band_count
    from forecast_points
    group by grain, period_grain, forecast_point
),

final as (
    select
        *,
        expected_abs_pct_error_rate_sum / nullif(scored_forecast_count, 0) as expected_mape_rate,
        p50_abs_pct_error_rate_sum / nullif(scored_forecast_count, 0) as p50_mape_rate,
        commit_abs_pct_error_rate_sum / nullif(scored_forecast_count, 0) as commit_mape_rate,
        cast(in_band_count as {{ type_double() }}) / nullif(forecast_count, 0) as in_band_rate
    from summarised
)

{{ select_contract_columns('final') }}
