{#- SQL stand-in for the Python model on engines without dbt Python models (PostgreSQL,
    Redshift, Spark outside Databricks): no draws; every forecast's percentiles come from the
    Cornish-Fisher expansion of its first four cumulants (revops_kpis.forecast, method
    'cornish_fisher'), from the cumulants of int_forecast_cumulants plus those of the new-deal
    bookings (int_forecast_spread); the learnt band of int_forecast_spread where spread_basis =
    'learnt'. Same columns as the Python model's output. -#}

{#- the standard normal quantiles of P10, P50, P90 -#}
{%- set quantiles = [('p10', -1.2815515655446004), ('p50', 0.0), ('p90', 1.2815515655446004)] %}

with calls as (
    select * from {{ ref('int_forecast_calls') }}
),

cumulants as (
    select * from {{ ref('int_forecast_cumulants') }}
),

spread as (
    select * from {{ ref('int_forecast_spread') }}
),

-- open deals and new-deal bookings independent: their cumulants add
combined as (
    select
        spread.grain,
        spread.grain_id,
        spread.period_grain,
        spread.period_start,
        spread.forecast_date,
        spread.is_latest,
        spread.new_deal_history_period_count,
        spread.new_deal_expected_amount,
        spread.new_deal_max_amount,
        spread.spread_basis,
        spread.spread_example_count,
        spread.calibrated_p10_amount,
        spread.calibrated_p50_amount,
        spread.calibrated_p90_amount,
        coalesce(cumulants.open_deal_count, 0) as open_deal_count,
        coalesce(cumulants.k1, 0) as open_k1,
        coalesce(cumulants.k1, 0) + spread.new_deal_expected_amount as k1,
        coalesce(cumulants.k2, 0) + spread.new_deal_k2 as k2,
        coalesce(cumulants.k3, 0) + spread.new_deal_k3 as k3,
        coalesce(cumulants.k4, 0) + spread.new_deal_k4 as k4,
        coalesce(cumulants.certain_amount, 0) as certain_amount,
        coalesce(cumulants.possible_amount, 0) + spread.new_deal_max_amount as possible_amount
    from spread
    left join cumulants
        on
            spread.grain = cumulants.grain
            and spread.grain_id = cumulants.grain_id
            and spread.period_grain = cumulants.period_grain
            and spread.period_start = cumulants.period_start
            and spread.forecast_date = cumulants.forecast_date
            and spread.is_latest = cumulants.is_latest
),

shapes as (
    select
        *,
        sqrt(k2) as standard_deviation,
        case when k2 > 0 then k3 / (k2 * sqrt(k2)) else 0 end as skewness,
        case when k2 > 0 then k4 / (k2 * k2) else 0 end as excess_kurtosis
    from combined
),

expanded as (
    select
        *,
        {%- for name, z in quantiles %}
            k1 + standard_deviation * (
                {{ z }}
                + ({{ z * z - 1 }}) * skewness / 6
                + ({{ z * z * z - 3 * z }}) * excess_kurtosis / 24
                - ({{ 2 * z * z * z - 5 * z }}) * skewness * skewness / 36
            ) as {{ name }}_raw{{ ',' if not loop.last }}
        {%- endfor %}
    from shapes
),

clipped as (
    select
        *,
        {%- for name, z in quantiles %}
            case
                when {{ name }}_raw < certain_amount then certain_amount
                when {{ name }}_raw > possible_amount then possible_amount
                else {{ name }}_raw
            end as {{ name }}_open{{ ',' if not loop.last }}
        {%- endfor %}
    from expanded
),

forecasts as (
    select
        calls.grain,
        calls.grain_id,
        calls.period_grain,
        calls.period_start,
        calls.period_end,
        calls.forecast_date,
        calls.is_latest,
        calls.won_to_date_count,
        cast(calls.won_to_date_amount as decimal(18, 2)) as won_to_date_amount,
        cast(calls.commit_amount as decimal(18, 2)) as commit_amount,
        cast(calls.best_case_amount as decimal(18, 2)) as best_case_amount,
        coalesce(clipped.open_deal_count, 0) as open_deal_count,
        coalesce(clipped.open_k1, 0) as open_expected_amount,
        coalesce(clipped.new_deal_history_period_count, 0) as new_deal_history_period_count,
        coalesce(clipped.new_deal_expected_amount, 0) as new_deal_expected_amount,
        coalesce(clipped.spread_basis, 'model') as spread_basis,
        coalesce(clipped.spread_example_count, 0) as spread_example_count,
        clipped.calibrated_p10_amount,
        clipped.calibrated_p50_amount,
        clipped.calibrated_p90_amount,
        coalesce(clipped.p10_open, 0) as p10_open,
        -- P10 <= P50 <= P90 where the expansion bends back on a very skewed group
        case
            when coalesce(clipped.p50_open, 0) < coalesce(clipped.p10_open, 0) then coalesce(clipped.p10_open, 0)
            else coalesce(clipped.p50_open, 0)
        end as p50_open,
        case
            when
                coalesce(clipped.p90_open, 0) < coalesce(clipped.p50_open, 0)
                or coalesce(clipped.p90_open, 0) < coalesce(clipped.p10_open, 0)
                then greatest(coalesce(clipped.p50_open, 0), coalesce(clipped.p10_open, 0))
            else coalesce(clipped.p90_open, 0)
        end as p90_open,
        case
            when clipped.open_deal_count > 0 or clipped.new_deal_max_amount > 0 then 'cornish_fisher'
            else 'no_open_deals'
        end as forecast_method
    from calls
    left join clipped
        on
            calls.grain = clipped.grain
            and calls.grain_id = clipped.grain_id
            and calls.period_grain = clipped.period_grain
            and calls.period_start = clipped.period_start
            and calls.forecast_date = clipped.forecast_date
            and calls.is_latest = clipped.is_latest
),

final as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        period_end,
        forecast_date,
        is_latest,
        won_to_date_count,
        won_to_date_amount,
        commit_amount,
        best_case_amount,
        open_deal_count,
        -- amounts as decimals of cents, as the Python model publishes them
        cast(open_expected_amount as decimal(18, 2)) as open_expected_amount,
        cast(
            won_to_date_amount + cast(open_expected_amount as decimal(18, 2))
            + cast(new_deal_expected_amount as decimal(18, 2)) as decimal(18, 2)
        ) as expected_amount,
        {%- for name, z in quantiles %}
            cast(
                case
                    when spread_basis = 'learnt' then cast(calibrated_{{ name }}_amount as decimal(18, 2))
                    else won_to_date_amount + cast({{ name }}_open as decimal(18, 2))
                end as decimal(18, 2)
            ) as {{ name }}_amount,
        {%- endfor %}
        forecast_method,
        new_deal_history_period_count,
        cast(new_deal_expected_amount as decimal(18, 2)) as new_deal_expected_amount,
        {%- for name, z in quantiles %}
            cast(won_to_date_amount + cast({{ name }}_open as decimal(18, 2)) as decimal(18, 2))
            as model_{{ name }}_amount,
        {%- endfor %}
        spread_basis,
        spread_example_count
    from forecasts
)

select * from final
