{#- One row per grain, period grain and forecast point ('period_start': the forecasts made at
    the periods' starts; 'all_forecast_dates': those and every week start's): the backtested
    accuracy of the model forecast against the Commit call over the closed periods
    (rpt_forecast_backtest): mean absolute percentage error of the expected value, of the P50
    and of the Commit call over the forecasts whose actual was not 0 (sum of the percentage
    errors / their count), and the share of actuals inside P10-P90 over all forecasts
    (calibrated: about 0.8) and inside the model's own band; the learnt_* columns: the same over
    the scored forecasts only (is_scored: slip rates, new-deal bookings and spread learnt). -#}

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
        sum(case when is_actual_in_band then 1 else 0 end) as in_band_count,
        sum(case when is_actual_in_model_band then 1 else 0 end) as model_band_in_band_count,
        sum(case when is_scored then 1 else 0 end) as learnt_forecast_count,
        sum(case when is_scored and expected_abs_pct_error_rate is not null then 1 else 0 end)
            as learnt_scored_forecast_count,
        sum(case when is_scored then expected_abs_pct_error_rate end) as learnt_expected_abs_pct_error_rate_sum,
        sum(case when is_scored then commit_abs_pct_error_rate end) as learnt_commit_abs_pct_error_rate_sum,
        sum(case when is_scored and is_actual_in_band then 1 else 0 end) as learnt_in_band_count
    from forecast_points
    group by grain, period_grain, forecast_point
),

final as (
    select
        *,
        expected_abs_pct_error_rate_sum / nullif(scored_forecast_count, 0) as expected_mape_rate,
        p50_abs_pct_error_rate_sum / nullif(scored_forecast_count, 0) as p50_mape_rate,
        commit_abs_pct_error_rate_sum / nullif(scored_forecast_count, 0) as commit_mape_rate,
        cast(in_band_count as {{ type_double() }}) / nullif(forecast_count, 0) as in_band_rate,
        cast(model_band_in_band_count as {{ type_double() }}) / nullif(forecast_count, 0) as model_band_in_band_rate,
        learnt_expected_abs_pct_error_rate_sum / nullif(learnt_scored_forecast_count, 0) as learnt_expected_mape_rate,
        learnt_commit_abs_pct_error_rate_sum / nullif(learnt_scored_forecast_count, 0) as learnt_commit_mape_rate,
        cast(learnt_in_band_count as {{ type_double() }}) / nullif(learnt_forecast_count, 0) as learnt_in_band_rate
    from summarised
)

{{ select_contract_columns('final') }}
