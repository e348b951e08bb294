{#- One row per forecast (period, forecast date) small enough to be drawn (at most var
    forecast_max_monte_carlo_deals open deals), open deal and grain it counts in (its owner at
    the forecast date, that owner's team, the company; attribute_to_grains): the deal rows of
    int_forecast_deal_probabilities (amount, in-period win probability). The deals the
    forecast engine draws; larger forecasts are expanded from int_forecast_cumulants and have
    no rows here. -#}

with deal_probabilities as (
    select * from {{ ref('int_forecast_deal_probabilities') }}
),

rep_grain_memberships as (
    select * from {{ ref('int_rep_grain_memberships') }}
),

deals as (
    select
        period_grain,
        period_start,
        period_end,
        forecast_date,
        is_latest,
        opportunity_id,
        owner_id,
        forecast_category,
        close_date,
        close_date_position,
        push_bucket,
        win_probability,
        in_period_rate,
        rate_basis,
        amount,
        in_period_win_probability,
        scenario_open_deal_count
    from deal_probabilities
    where scenario_open_deal_count <= {{ var('forecast_max_monte_carlo_deals') }}
),

attributed as (
    {{ attribute_to_grains('deals', 'owner_id', 'rep_grain_memberships', 'rep_id') }}
)

select * from attributed
