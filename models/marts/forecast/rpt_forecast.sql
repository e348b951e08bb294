{#- Where the period will land: one row per grain, grain id, fiscal period and forecast date
    (the period's start, each week start inside it and, for the period still running, the
    as-of moment): won to date, the Commit and Best Case calls (int_forecast_calls), the
    model's distribution of the final bookings (int_forecast_distribution: the Python model's
    draws, or its SQL stand-in's expansion) and the published band, the one rule for every
    engine: P10/P50/P90 = the band learnt from the errors of earlier forecasts
    (int_forecast_spread: expected + z_q x standard deviation, at least won to date) where
    spread_basis = 'learnt', else the model's own band (model_p10/p50/p90_amount). -#}

with calls as (
    select * from {{ ref('int_forecast_calls') }}
),

distribution as (
    select * from {{ ref('int_forecast_distribution') }}
),

spread as (
    select * from {{ ref('int_forecast_spread') }}
),

grain_names as (
    select * from {{ ref('int_grain_names') }}
),

forecasts as (
    select
        calls.grain,
        calls.grain_id,
        grain_names.grain_name,
        calls.period_grain,
        calls.period_start,
        calls.period_end,
        calls.forecast_date,
        calls.is_latest,
        calls.won_to_date_count,
        distribution.open_deal_count,
        distribution.open_expected_amount,
        distribution.expected_amount,
        distribution.forecast_method,
        distribution.model_p10_amount,
        distribution.model_p50_amount,
        distribution.model_p90_amount,
        cast(calls.won_to_date_amount as decimal(18, 2)) as won_to_date_amount,
        cast(calls.commit_amount as decimal(18, 2)) as commit_amount,
        cast(calls.best_case_amount as decimal(18, 2)) as best_case_amount,
        cast(spread.calibrated_p10_amount as decimal(18, 2)) as calibrated_p10_amount,
        cast(spread.calibrated_p50_amount as decimal(18, 2)) as calibrated_p50_amount,
        cast(spread.calibrated_p90_amount as decimal(18, 2)) as calibrated_p90_amount,
        cast(coalesce(spread.new_deal_expected_amount, 0) as decimal(18, 2)) as new_deal_expected_amount,
        coalesce(spread.new_deal_history_period_count, 0) as new_deal_history_period_count,
        coalesce(spread.spread_basis, 'model') as spread_basis,
        coalesce(spread.spread_example_count, 0) as spread_example_count
    from calls
    inner join distribution
        on {{ forecast_key_match('calls', 'distribution') }}
    left join spread
        on {{ forecast_key_match('calls', 'spread') }}
    left join grain_names
        on calls.grain = grain_names.grain and calls.grain_id = grain_names.grain_id
),

-- the published band: the learnt one where it was learnt, else the model's
published as (
    select
        *,
        case
            when spread_basis = 'learnt' then calibrated_p10_amount
            else model_p10_amount
        end as p10_amount,
        case
            when spread_basis = 'learnt' then calibrated_p50_amount
            else model_p50_amount
        end as p50_amount,
        case
            when spread_basis = 'learnt' then calibrated_p90_amount
            else model_p90_amount
        end as p90_amount
    from forecasts
)

{{ select_contract_columns('published') }}
