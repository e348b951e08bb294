{#- One row per grain, closed fiscal period (its end on or before the as-of date) and forecast
    date of the period (rpt_forecast): the forecast made then against the period's actual
    bookings (rpt_kpi_tier1_outcomes.bookings_amount, the tier 1 bookings rule): the absolute
    error of the expected value, of the P50 and of the Commit call, each with its absolute
    percentage error (the error / the actual; null when the actual is 0), and whether the
    actual fell inside P10-P90 (the published band) and inside the model's own band. A forecast
    is scored (is_scored) only when everything it rests on was learnt from history: its slip
    rates (none fell back to the close-date rule), its new-deal bookings (at least one ended
    period to learn from) and its spread (spread_basis 'learnt'); else unscored_reason says
    which, in that order. -#}

with forecasts as (
    select * from {{ ref('rpt_forecast') }}
),

outcomes as (
    select * from {{ ref('rpt_kpi_tier1_outcomes') }}
),

spreads as (
    select * from {{ ref('int_forecast_spread') }}
),

as_of as (
    select as_of from {{ ref('stg_crm__export_as_of') }}
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
        closed_forecasts.grain_name,
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
        cast(closed_forecasts.model_p10_amount as decimal(18, 2)) as model_p10_amount,
        cast(closed_forecasts.model_p90_amount as decimal(18, 2)) as model_p90_amount,
        cast(closed_forecasts.new_deal_expected_amount as decimal(18, 2)) as new_deal_expected_amount,
        closed_forecasts.spread_basis,
        closed_forecasts.forecast_date = closed_forecasts.period_start as is_period_start_forecast,
        case
            when not coalesce(spreads.is_slip_rate_learnt, false) then 'slip_rates_not_learnt'
            when closed_forecasts.new_deal_history_period_count = 0 then 'no_new_deal_history'
            when closed_forecasts.spread_basis <> 'learnt' then 'spread_not_learnt'
        end as unscored_reason
    from closed_forecasts
    left join outcomes
        on
            closed_forecasts.grain = outcomes.grain
            and closed_forecasts.grain_id = outcomes.grain_id
            and closed_forecasts.period_grain = outcomes.period_grain
            and closed_forecasts.period_start = outcomes.period_start
    left join spreads
        on {{ forecast_key_match('closed_forecasts', 'spreads') }}
),

errors as (
    select
        *,
        abs(expected_amount - actual_amount) as expected_abs_error_amount,
        abs(p50_amount - actual_amount) as p50_abs_error_amount,
        abs(commit_amount - actual_amount) as commit_abs_error_amount,
        actual_amount >= p10_amount and actual_amount <= p90_amount as is_actual_in_band,
        actual_amount >= model_p10_amount and actual_amount <= model_p90_amount as is_actual_in_model_band,
        unscored_reason is null as is_scored
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
