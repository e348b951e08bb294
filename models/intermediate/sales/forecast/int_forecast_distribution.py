"""The model's distribution of every forecast (grain, grain id, fiscal period, forecast date:
the rows of int_forecast_calls): the distribution of the period's final bookings = won to date
+ the sum over the open deals of Bernoulli(p) x amount, p = the deal's probability of closing
won inside the period (int_forecast_open_deals), + the bookings of deals not yet created (one
of the past outcomes of int_forecast_new_deal_bookings per draw for the whole forecast; their
mean and cumulants from int_forecast_moments). Its expected value and its P10/P50/P90
(model_p10/p50/p90_amount), from revops_kpis.forecast: seeded Monte Carlo, each deal drawn
once and summed into its rep, team and company (so P50s do not add up), or, for a forecast
with more open deals than max_monte_carlo_deals, the Cornish-Fisher expansion of the cumulants
computed in the warehouse (int_forecast_cumulants): only the deal rows of the drawn forecasts
are read. rpt_forecast publishes it with the learnt band (int_forecast_spread).

Settings arrive through config(meta=...) in the model's YAML (Python models cannot read dbt
vars): draws, seed, max_monte_carlo_deals. Amounts are published as decimals of cents.
"""

from revops_kpis.forecast_frames import distribution_table, to_arrow


def model(dbt, session):
    dbt.config(materialized="table")
    meta = dbt.config.get("meta") or {}
    return to_arrow(distribution_table(
        calls=dbt.ref("int_forecast_calls"),
        open_deals=dbt.ref("int_forecast_open_deals"),
        cumulants=dbt.ref("int_forecast_cumulants"),
        new_deals=dbt.ref("int_forecast_new_deal_bookings"),
        moments=dbt.ref("int_forecast_moments"),
        draws=int(meta["draws"]),
        seed=int(meta["seed"]),
        max_monte_carlo_deals=int(meta["max_monte_carlo_deals"]),
    ))
