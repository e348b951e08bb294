{#- One row per grain, grain id and forecast (every row of int_forecast_moments): the forecast's
    moments and its band calibrated on the errors of earlier forecasts.
    - Learnt band: the 10th, 50th and 90th percentiles of the standardised errors
      (int_forecast_standardised_errors, those with a positive standard deviation) of the
      forecasts of the same grain (rep, team or company), period grain and elapsed quarter of
      the period (0: under a quarter elapsed, .. 3) whose period is one the forecast learns from
      (int_forecast_history_periods: ended by the forecast date) (the q-quantile of n errors:
      position q (n + 1) of their order, interpolated, kept within 1..n); P_q = expected + z_q x
      standard deviation, at least won to date. With fewer than var forecast_spread_min_examples
      such errors, spread_basis = 'model' and the calibrated amounts are null (the model's own
      band is published). -#}

{%- set min_examples = var('forecast_spread_min_examples') | int %}

with forecast_moments as (
    select * from {{ ref('int_forecast_moments') }}
),

standardised_errors as (
    select * from {{ ref('int_forecast_standardised_errors') }}
),

history_periods as (
    select * from {{ ref('int_forecast_history_periods') }}
),

-- the forecasts to learn a spread for: per grain, not per rep or team
spread_targets as (
    select distinct
        grain,
        period_grain,
        period_start,
        forecast_date,
        is_latest,
        elapsed_quarter
    from forecast_moments
),

spread_examples as (
    select
        spread_targets.grain,
        spread_targets.period_grain,
        spread_targets.period_start,
        spread_targets.forecast_date,
        spread_targets.is_latest,
        standardised_errors.standardised_error,
        row_number() over (
            partition by
                spread_targets.grain, spread_targets.period_grain, spread_targets.period_start,
                spread_targets.forecast_date, spread_targets.is_latest
            order by standardised_errors.standardised_error
        ) as error_rank,
        count(*) over (
            partition by
                spread_targets.grain, spread_targets.period_grain, spread_targets.period_start,
                spread_targets.forecast_date, spread_targets.is_latest
        ) as example_count
    from spread_targets
    inner join history_periods
        on {{ forecast_key_match('spread_targets', 'history_periods', level='period') }}
    inner join standardised_errors
        on
            spread_targets.grain = standardised_errors.grain
            and spread_targets.period_grain = standardised_errors.period_grain
            and history_periods.history_period_start = standardised_errors.period_start
            and spread_targets.elapsed_quarter = standardised_errors.elapsed_quarter
    where standardised_errors.standardised_error is not null
),

-- the q-quantile of n errors sits at position q (n + 1) of their order (kept within 1..n):
-- the interval between the P10 and P90 positions then holds a new error with probability
-- 0.8 whatever n, when the errors are alike (exchangeable)
quantile_positions as (
    select
        *,
        least(greatest(0.1 * (example_count + 1), 1), example_count) as p10_position,
        least(greatest(0.5 * (example_count + 1), 1), example_count) as p50_position,
        least(greatest(0.9 * (example_count + 1), 1), example_count) as p90_position
    from spread_examples
),

quantile_neighbours as (
    select
        grain,
        period_grain,
        period_start,
        forecast_date,
        is_latest,
        max(example_count) as spread_example_count,
        max(p10_position - floor(p10_position)) as p10_fraction,
        max(case when error_rank = floor(p10_position) then standardised_error end) as p10_below,
        max(case when error_rank = floor(p10_position) + 1 then standardised_error end) as p10_above,
        max(p50_position - floor(p50_position)) as p50_fraction,
        max(case when error_rank = floor(p50_position) then standardised_error end) as p50_below,
        max(case when error_rank = floor(p50_position) + 1 then standardised_error end) as p50_above,
        max(p90_position - floor(p90_position)) as p90_fraction,
        max(case when error_rank = floor(p90_position) then standardised_error end) as p90_below,
        max(case when error_rank = floor(p90_position) + 1 then standardised_error end) as p90_above
    from quantile_positions
    group by grain, period_grain, period_start, forecast_date, is_latest
),

learnt_spreads as (
    select
        grain,
        period_grain,
        period_start,
        forecast_date,
        is_latest,
        spread_example_count,
        p10_below + p10_fraction * (coalesce(p10_above, p10_below) - p10_below) as spread_p10_z,
        p50_below + p50_fraction * (coalesce(p50_above, p50_below) - p50_below) as spread_p50_z,
        p90_below + p90_fraction * (coalesce(p90_above, p90_below) - p90_below) as spread_p90_z
    from quantile_neighbours
),

calibrated as (
    select
        forecast_moments.grain,
        forecast_moments.grain_id,
        forecast_moments.period_grain,
        forecast_moments.period_start,
        forecast_moments.forecast_date,
        forecast_moments.is_latest,
        forecast_moments.elapsed_quarter,
        forecast_moments.is_slip_rate_learnt,
        forecast_moments.won_to_date_amount,
        forecast_moments.new_deal_history_period_count,
        forecast_moments.new_deal_expected_amount,
        forecast_moments.new_deal_k2,
        forecast_moments.new_deal_k3,
        forecast_moments.new_deal_k4,
        forecast_moments.new_deal_max_amount,
        forecast_moments.model_expected_amount,
        forecast_moments.model_standard_deviation,
        coalesce(learnt_spreads.spread_example_count, 0) as spread_example_count,
        learnt_spreads.spread_p10_z,
        learnt_spreads.spread_p50_z,
        learnt_spreads.spread_p90_z,
        case
            when coalesce(learnt_spreads.spread_example_count, 0) >= {{ min_examples }} then 'learnt'
            else 'model'
        end as spread_basis
    from forecast_moments
    left join learnt_spreads
        on
            forecast_moments.grain = learnt_spreads.grain
            and forecast_moments.period_grain = learnt_spreads.period_grain
            and forecast_moments.period_start = learnt_spreads.period_start
            and forecast_moments.forecast_date = learnt_spreads.forecast_date
            and forecast_moments.is_latest = learnt_spreads.is_latest
),

final as (
    select
        *,
        case
            when spread_basis = 'learnt'
                then greatest(won_to_date_amount, model_expected_amount + spread_p10_z * model_standard_deviation)
        end as calibrated_p10_amount,
        case
            when spread_basis = 'learnt'
                then greatest(won_to_date_amount, model_expected_amount + spread_p50_z * model_standard_deviation)
        end as calibrated_p50_amount,
        case
            when spread_basis = 'learnt'
                then greatest(won_to_date_amount, model_expected_amount + spread_p90_z * model_standard_deviation)
        end as calibrated_p90_amount
    from calibrated
)

select * from final
