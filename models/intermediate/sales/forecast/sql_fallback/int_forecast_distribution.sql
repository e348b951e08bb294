{#- SQL stand-in for the Python model on engines without dbt Python models (PostgreSQL,
    Redshift, Spark outside Databricks): no draws; every forecast's percentiles come from the
    Cornish-Fisher expansion of its first four cumulants (revops_kpis.forecast, method
    'cornish_fisher'), from the cumulants of int_forecast_cumulants plus those of the new-deal
    bookings (int_forecast_moments). Same columns as the Python model's output; rpt_forecast
    publishes it with the learnt band on every engine. -#}

{#- the standard normal quantiles of P10, P50, P90 -#}
{%- set quantiles = [('p10', -1.2815515655446004), ('p50', 0.0), ('p90', 1.2815515655446004)] %}

with calls as (
    select * from {{ ref('int_forecast_calls') }}
),

cumulants as (
    select * from {{ ref('int_forecast_cumulants') }}
),

moments as (
    select * from {{ ref('int_forecast_moments') }}
),

-- open deals and new-deal bookings independent: their cumulants add
combined as (
    select
        moments.grain,
        moments.grain_id,
        moments.period_grain,
        moments.period_start,
        moments.forecast_date,
        moments.is_latest,
        moments.new_deal_expected_amount,
        moments.new_deal_max_amount,
        coalesce(cumulants.open_deal_count, 0) as open_deal_count,
        coalesce(cumulants.k1, 0) as open_k1,
        coalesce(cumulants.k1, 0) + moments.new_deal_expected_amount as k1,
        coalesce(cumulants.k2, 0) + moments.new_deal_k2 as k2,
        coalesce(cumulants.k3, 0) + moments.new_deal_k3 as k3,
        coalesce(cumulants.k4, 0) + moments.new_deal_k4 as k4,
        coalesce(cumulants.certain_amount, 0) as certain_amount,
        coalesce(cumulants.possible_amount, 0) + moments.new_deal_max_amount as possible_amount
    from moments
    left join cumulants
        on {{ forecast_key_match('moments', 'cumulants') }}
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
        calls.forecast_date,
        calls.is_latest,
        cast(calls.won_to_date_amount as decimal(18, 2)) as won_to_date_amount,
        coalesce(clipped.open_deal_count, 0) as open_deal_count,
        coalesce(clipped.open_k1, 0) as open_expected_amount,
        coalesce(clipped.new_deal_expected_amount, 0) as new_deal_expected_amount,
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
        on {{ forecast_key_match('calls', 'clipped') }}
),

final as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        forecast_date,
        is_latest,
        cast(open_deal_count as {{ dbt.type_bigint() }}) as open_deal_count,
        -- amounts as decimals of cents, as the Python model publishes them
        cast(open_expected_amount as decimal(18, 2)) as open_expected_amount,
        cast(
            won_to_date_amount + cast(open_expected_amount as decimal(18, 2))
            + cast(new_deal_expected_amount as decimal(18, 2)) as decimal(18, 2)
        ) as expected_amount,
        {%- for name, z in quantiles %}
            cast(won_to_date_amount + cast({{ name }}_open as decimal(18, 2)) as decimal(18, 2))
            as model_{{ name }}_amount,
        {%- endfor %}
        forecast_method
    from forecasts
)

select * from final
