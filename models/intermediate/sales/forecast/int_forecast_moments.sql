{#- One row per grain, grain id and forecast (every row of int_forecast_calls): the moments of
    the forecast's distribution, the same on every engine.
    - New-deal bookings (int_forecast_new_deal_bookings): one of the history_period_count past
      outcomes, each equally likely (zeros included): their mean (new_deal_expected_amount),
      cumulants k2..k4 (of that empirical distribution) and largest value.
    - The model's expected value = won to date + open k1 (int_forecast_cumulants) + new-deal
      mean, its standard deviation = sqrt(open k2 + new-deal k2) (open and new deals independent).
    - Whether the forecast's slip rates were learnt (none fell back to the close-date rule) and
      the quarter of the period elapsed at the forecast date (0: under a quarter, .. 3). -#}

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
        on {{ forecast_key_match('calls', 'cumulants') }}
    left join history_counts
        on {{ forecast_key_match('calls', 'history_counts', level='period') }}
    left join new_deal_sums
        on {{ forecast_key_match('calls', 'new_deal_sums') }}
    left join slip_rate_bases
        on
            calls.period_grain = slip_rate_bases.period_grain
            and calls.forecast_date = slip_rate_bases.forecast_date
),

-- central moments of the empirical new-deal distribution, then the forecast's moments
forecast_moments as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        period_end,
        forecast_date,
        is_latest,
        elapsed_quarter,
        is_slip_rate_learnt,
        won_to_date_amount,
        new_deal_history_period_count,
        -- published to the cent here, so every engine's rpt_forecast shows the same cents
        {{ publish_decimal('m1', 'amount') }} as new_deal_expected_amount,
        r2 - m1 * m1 as new_deal_k2,
        r3 - 3 * m1 * r2 + 2 * m1 * m1 * m1 as new_deal_k3,
        (r4 - 4 * m1 * r3 + 6 * m1 * m1 * r2 - 3 * m1 * m1 * m1 * m1)
        - 3 * (r2 - m1 * m1) * (r2 - m1 * m1) as new_deal_k4,
        new_deal_max_amount,
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
)

select * from forecast_moments
