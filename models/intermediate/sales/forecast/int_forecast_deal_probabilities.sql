{#- One row per forecast (period, forecast date) and deal open then, once whatever the grains
    it counts in: the deal's owner at the forecast date, its amount in the corporate currency
    and its probability of closing won inside the period = its win probability then x the slip
    rate of its profile (int_forecast_slip_rates), and how many deals the whole forecast has
    (scenario_open_deal_count: Monte Carlo or the cumulant expansion). What the forecast's
    deal rows (int_forecast_open_deals), cumulants and calls are computed from. -#}

with inputs as (
    select * from {{ ref('int_forecast_deal_inputs') }}
),

slip_rates as (
    select * from {{ ref('int_forecast_slip_rates') }}
),

-- the open deals of each whole forecast (Monte Carlo or the cumulant expansion): a grouped
-- count joined back, not a window over partitions of up to a few hundred thousand rows
scenario_sizes as (
    select
        period_grain,
        period_start,
        forecast_date,
        is_latest,
        count(*) as scenario_open_deal_count
    from inputs
    group by period_grain, period_start, forecast_date, is_latest
),

probabilities as (
    select
        inputs.period_grain,
        inputs.period_start,
        inputs.period_end,
        inputs.forecast_date,
        inputs.is_latest,
        inputs.opportunity_id,
        inputs.owner_id,
        inputs.forecast_category,
        inputs.close_date,
        inputs.close_date_position,
        inputs.push_bucket,
        inputs.win_probability,
        slip_rates.in_period_rate,
        slip_rates.rate_basis,
        scenario_sizes.scenario_open_deal_count,
        coalesce(inputs.amount, cast(0 as decimal(18, 2))) as amount,
        coalesce(inputs.win_probability, 0.0) * slip_rates.in_period_rate as in_period_win_probability
    from inputs
    inner join scenario_sizes
        on {{ forecast_key_match('inputs', 'scenario_sizes', level='period') }}
    inner join slip_rates
        on
            inputs.period_grain = slip_rates.period_grain
            and inputs.forecast_date = slip_rates.forecast_date
            and inputs.push_bucket = slip_rates.push_bucket
            and inputs.close_date_position = slip_rates.close_date_position
)

select * from probabilities
