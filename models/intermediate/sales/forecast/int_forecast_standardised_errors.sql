{#- One row per grain, grain id and forecast of a closed period (its end on or before the as-of
    date; not the as-of forecast of a running one) whose slip rates were learnt: how far the
    period's actual bookings (the tier 1 bookings rule, int_outcome_bookings; 0 when nothing
    was won) fell from the model's expected value, in standard deviations: (actual - expected)
    / standard deviation (int_forecast_moments); null when the standard deviation is 0 (the
    rows do not depend on the model, only the values). What the learnt spread
    (int_forecast_spread) learns from. -#}

with forecast_moments as (
    select * from {{ ref('int_forecast_moments') }}
),

bookings as (
    select * from {{ ref('int_outcome_bookings') }}
),

as_of as (
    select {{ to_reporting_date('as_of') }} as as_of_date from {{ ref('stg_crm__export_as_of') }}
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

-- forecasts of closed periods, scored against their actual bookings
standardised_errors as (
    select
        forecast_moments.grain,
        forecast_moments.grain_id,
        forecast_moments.period_grain,
        forecast_moments.period_start,
        forecast_moments.forecast_date,
        forecast_moments.elapsed_quarter,
        coalesce(actuals.actual_amount, 0) as actual_amount,
        forecast_moments.model_expected_amount,
        forecast_moments.model_standard_deviation,
        case
            when forecast_moments.model_standard_deviation > 0
                then {{ publish_round(
                    '(coalesce(actuals.actual_amount, 0) - forecast_moments.model_expected_amount)'
                    ~ ' / forecast_moments.model_standard_deviation',
                    'rate'
                ) }}
        end as standardised_error
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
)

select * from standardised_errors
