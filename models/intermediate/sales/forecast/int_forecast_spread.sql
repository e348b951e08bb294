{#- One row per grain, grain id and forecast (every row of int_forecast_calls): the moments of
    the forecast's distribution and its band calibrated on the errors of earlier forecasts.
    - New-deal bookings (int_forecast_new_deal_bookings): one of the history_period_count past
      outcomes, each equally likely (zeros included): their mean (new_deal_expected_amount),
      cumulants k2..k4 (of that empirical distribution) and largest value.
    - The model's expected value = won to date + open k1 (int_forecast_cumulants) + new-deal
      mean, its standard deviation = sqrt(open k2 + new-deal k2) (open and new deals independent).
    - Standardised error of a forecast of a closed period = (actual bookings - expected) /
      standard deviation; actual bookings by the tier 1 bookings rule (int_outcome_bookings).
    - Learnt band: the 10th, 50th and 90th percentiles of the standardised
      errors of the forecasts of the same grain (rep, team or company), period grain and
      elapsed quarter of the period (0: under a quarter elapsed, .. 3) whose period is one the
      forecast learns from (int_forecast_history_periods: ended by the forecast date), counting
      only forecasts with learnt slip rates and a positive standard deviation (the q-quantile
      of n errors: position q (n + 1) of their order, interpolated, kept within 1..n); P_q = expected +
      z_q x standard deviation, at least won to date. With fewer than var
      forecast_spread_min_examples such errors, spread_basis = 'model' and the calibrated
      amounts are null (the model's own band is published). -#}

{%- set min_examples = var('forecast_spread_min_examples') | int %}

with forecast_calls as (
    select * from {{ ref('int_forecast_calls') }}
),

cumulants as (
    select * from {{ ref('int_forecast_cumulants') }}
),

new_deal_bookings as (
    select * from {{ ref('int_forecast_new_deal_bookings') }}
),

history_periods as (
    select * from {{ ref('int_forecast_history_periods') }}
),

slip_rates as (
    select * from {{ ref('int_forecast_slip_rates') }}
),

bookings as (
    select * from {{ ref('int_outcome_bookings') }}
),

as_of as (
    select {{ to_reporting_date('as_of') }} as as_of_date from {{ ref('stg_crm__export_as_of') }}
),

calls as (
    select
        *,
        cast(
            {{ dbt.datediff('period_start', 'forecast_date', 'day') }}
            as {{ type_double() }}
        ) as elapsed_days,
        cast(
            {{ dbt.datediff('period_start', 'period_end', 'day') }}
            as {{ type_double() }}
        ) as period_days
    from forecast_calls
),

history_counts as (
    select
        period_grain,
        period_start,
        forecast_date,
        is_latest,
        count(*) as history_period_count
    from history_periods
    group by period_grain, period_start, forecast_date, is_latest
),

-- raw power sums of each grain's past new-deal bookings (periods without any add zeros)
new_deal_sums as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        forecast_date,
        is_latest,
        sum(cast(new_deal_amount as {{ type_double() }})) as s1,
        sum(cast(new_deal_amount as {{ type_double() }}) * new_deal_amount) as s2,
        sum(cast(new_deal_amount as {{ type_double() }}) * new_deal_amount * new_deal_amount) as s3,
        sum(
            cast(new_deal_amount as {{ type_double() }}) * new_deal_amount * new_deal_amount * new_deal_amount
        ) as s4,
        max(cast(new_deal_amount as {{ type_double() }})) as new_deal_max_amount
    from new_deal_bookings
    group by grain, grain_id, period_grain, period_start, forecast_date, is_latest
),

-- a forecast's slip rates were learnt when its pooled examples sufficed (no close-date rule)
slip_rate_bases as (
    select
        period_grain,
        forecast_date,
        min(case when rate_basis = 'close_date_rule' then 0 else 1 end) = 1 as is_slip_rate_learnt
    from slip_rates
    group by period_grain, forecast_date
),

-- the actual bookings of each grain and period: the tier 1 bookings rule
actuals as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        -- exact: a decimal sum does not depend on the order rows are added in
        cast(bookings_amount as {{ type_double() }}) as actual_amount
    from bookings
),

new_deal_moments as (
    select
        calls.grain,
        calls.grain_id,
        calls.period_grain,
        calls.period_start,
        calls.period_end,
        calls.forecast_date,
        calls.is_latest,
        cast(calls.won_to_date_amount as {{ type_double() }}) as won_to_date_amount,
        coalesce(cumulants.k1, 0) as open_k1,
        coalesce(cumulants.k2, 0) as open_k2,
        coalesce(history_counts.history_period_count, 0) as new_deal_history_period_count,
        coalesce(new_deal_sums.s1 / history_counts.history_period_count, 0) as m1,
        coalesce(new_deal_sums.s2 / history_counts.history_period_count, 0) as r2,
        coalesce(new_deal_sums.s3 / history_counts.history_period_count, 0) as r3,
        coalesce(new_deal_sums.s4 / history_counts.history_period_count, 0) as r4,
        coalesce(new_deal_sums.new_deal_max_amount, 0) as new_deal_max_amount,
        coalesce(slip_rate_bases.is_slip_rate_learnt, false) as is_slip_rate_learnt,
        cast(floor(4 * calls.elapsed_days / calls.period_days) as integer) as elapsed_quarter
    from calls
    left join cumulants
        on
            calls.grain = cumulants.grain
            and calls.grain_id = cumulants.grain_id
            and calls.period_grain = cumulants.period_grain
            and calls.period_start = cumulants.period_start
            and calls.forecast_date = cumulants.forecast_date
            and calls.is_latest = cumulants.is_latest
    left join history_counts
        on
            calls.period_grain = history_counts.period_grain
            and calls.period_start = history_counts.period_start
            and calls.forecast_date = history_counts.forecast_date
            and calls.is_latest = history_counts.is_latest
    left join new_deal_sums
        on
            calls.grain = new_deal_sums.grain
            and calls.grain_id = new_deal_sums.grain_id
            and calls.period_grain = new_deal_sums.period_grain
            and calls.period_start = new_deal_sums.period_start
            and calls.forecast_date = new_deal_sums.forecast_date
            and calls.is_latest = new_deal_sums.is_latest
    left join slip_rate_bases
        on
            calls.period_grain = slip_rate_bases.period_grain
            and calls.forecast_date = slip_rate_bases.forecast_date
),

-- central moments of the empirical new-deal distribution, then the forecast's moments
forecast_moments as (
    select
        *,
        -- published to the cent here, so every engine's rpt_forecast shows the same cents
        {{ publish_decimal('m1', 'amount') }} as new_deal_expected_amount,
        r2 - m1 * m1 as new_deal_k2,
        r3 - 3 * m1 * r2 + 2 * m1 * m1 * m1 as new_deal_k3,
        (r4 - 4 * m1 * r3 + 6 * m1 * m1 * r2 - 3 * m1 * m1 * m1 * m1)
        - 3 * (r2 - m1 * m1) * (r2 - m1 * m1) as new_deal_k4,
        -- to the cent (publish_decimal): the double sums under them (cumulants, power sums)
        -- can differ in their last bits with the order rows are added in (a full and an
        -- incremental build), and the learnt band must not
        cast(
            {{ publish_decimal('won_to_date_amount + open_k1 + m1', 'amount') }} as {{ type_double() }}
        ) as model_expected_amount,
        cast(
            {{ publish_decimal('sqrt(greatest(open_k2 + r2 - m1 * m1, 0))', 'amount') }} as {{ type_double() }}
        ) as model_standard_deviation
    from new_deal_moments
),

-- forecasts of closed periods, scored against their actual bookings
standardised_errors as (
    select
        forecast_moments.grain,
        forecast_moments.period_grain,
        forecast_moments.period_start,
        forecast_moments.elapsed_quarter,
        {{ publish_round(
            '(coalesce(actuals.actual_amount, 0) - forecast_moments.model_expected_amount)'
            ~ ' / forecast_moments.model_standard_deviation',
            'rate'
        ) }} as standardised_error
    from forecast_moments
    cross join as_of
    left join actuals
        on
            forecast_moments.grain = actuals.grain
            and forecast_moments.grain_id = actuals.grain_id
            and forecast_moments.period_grain = actuals.period_grain
            and forecast_moments.period_start = actuals.period_start
    where
        not forecast_moments.is_latest
        and forecast_moments.period_end <= as_of.as_of_date
        and forecast_moments.is_slip_rate_learnt
        and forecast_moments.model_standard_deviation > 0
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
        on
            spread_targets.period_grain = history_periods.period_grain
            and spread_targets.period_start = history_periods.period_start
            and spread_targets.forecast_date = history_periods.forecast_date
            and spread_targets.is_latest = history_periods.is_latest
    inner join standardised_errors
        on
            spread_targets.grain = standardised_errors.grain
            and spread_targets.period_grain = standardised_errors.period_grain
            and history_periods.history_period_start = standardised_errors.period_start
            and spread_targets.elapsed_quarter = standardised_errors.elapsed_quarter
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
