{#- One row per grain, forecast (period, forecast date) and group with open deals: the first
    four cumulants of the group's open-pipeline bookings, the sum over its open deals of
    Bernoulli(p) x amount (p = in_period_win_probability): k1 = sum p a, k2 = sum p q a^2,
    k3 = sum p q (1 - 2p) a^3, k4 = sum p q (1 - 6p(1 - p)) a^4 (q = 1 - p), the certain part
    (deals with p = 1) and the possible total (deals with p > 0), and how many deals the whole
    forecast has (scenario_open_deal_count, which decides Monte Carlo or the Cornish-Fisher
    expansion). Summed once per owner over the deal rows of int_forecast_deal_probabilities,
    then rolled up to rep, team and company (attribute_to_grains): cumulants of independent
    sums add. Exact for independent deals; the percentiles of large forecasts are computed
    from them (revops_kpis.forecast), so no deal-level rows of those leave the warehouse. -#}

with deal_probabilities as (
    select * from {{ ref('int_forecast_deal_probabilities') }}
),

rep_grain_memberships as (
    select * from {{ ref('int_rep_grain_memberships') }}
),

terms as (
    select
        owner_id,
        period_grain,
        period_start,
        forecast_date,
        is_latest,
        scenario_open_deal_count,
        cast(amount as {{ type_double() }}) as deal_amount,
        case
            when in_period_win_probability < 0 then 0.0
            when in_period_win_probability > 1 then 1.0
            else in_period_win_probability
        end as deal_probability
    from deal_probabilities
),

owner_cumulants as (
    select
        owner_id,
        period_grain,
        period_start,
        forecast_date,
        is_latest,
        max(scenario_open_deal_count) as scenario_open_deal_count,
        count(*) as open_deal_count,
        sum(deal_probability * deal_amount) as k1,
        sum(deal_probability * (1 - deal_probability) * deal_amount * deal_amount) as k2,
        sum(
            deal_probability * (1 - deal_probability) * (1 - 2 * deal_probability)
            * deal_amount * deal_amount * deal_amount
        ) as k3,
        sum(
            deal_probability * (1 - deal_probability) * (1 - 6 * deal_probability * (1 - deal_probability))
            * deal_amount * deal_amount * deal_amount * deal_amount
        ) as k4,
        sum(case when deal_probability >= 1 then deal_amount else 0 end) as certain_amount,
        sum(case when deal_probability > 0 then deal_amount else 0 end) as possible_amount
    from terms
    group by owner_id, period_grain, period_start, forecast_date, is_latest
),

attributed as (
    {{ attribute_to_grains('owner_cumulants', 'owner_id', 'rep_grain_memberships', 'rep_id') }}
),

cumulants as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        forecast_date,
        is_latest,
        max(scenario_open_deal_count) as scenario_open_deal_count,
        cast(sum(open_deal_count) as {{ dbt.type_bigint() }}) as open_deal_count,
        sum(k1) as k1,
        sum(k2) as k2,
        sum(k3) as k3,
        sum(k4) as k4,
        sum(certain_amount) as certain_amount,
        sum(possible_amount) as possible_amount
    from attributed
    group by grain, grain_id, period_grain, period_start, forecast_date, is_latest
)

select * from cumulants
