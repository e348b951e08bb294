"""The bookings forecast of every grain (rep, team, company) and fiscal period, made at the
period's start, at each week start inside it and, for the period still running, at the as-of
moment: won to date, the Commit and Best Case calls (int_forecast_calls) and the distribution
of the period's final bookings = won to date + the sum over the open deals of Bernoulli(p) x
amount, p = the deal's probability of closing won inside the period (int_forecast_open_deals).
The distribution comes from revops_kpis.forecast: seeded Monte Carlo, each deal drawn once and
summed into its rep, team and company (so P50s do not add up), or, for a forecast with more
open deals than max_monte_carlo_deals, the Cornish-Fisher expansion of the cumulants computed in
the warehouse (int_forecast_cumulants): only the deal rows of the drawn forecasts are read.

The bookings of deals not yet created are added as past outcomes (int_forecast_new_deal_bookings:
one past period per draw for the whole forecast; their cumulants for the expansion), and the
published P10/P50/P90 are the band learnt from the errors of earlier forecasts
(int_forecast_spread) where it was learnt, else the model's (model_p10/p50/p90_amount).

Settings arrive through config(meta=...) in the model's YAML (Python models cannot read dbt
vars): draws, seed, max_monte_carlo_deals. Amounts are published as decimals of cents.
"""

from revops_kpis.forecast_frames import forecast_table, to_arrow


def model(dbt, session):
    dbt.config(materialized="table")
    meta = dbt.config.get("meta") or {}
    return to_arrow(forecast_table(
        calls=dbt.ref("int_forecast_calls"),
        open_deals=dbt.ref("int_forecast_open_deals"),
        cumulants=dbt.ref("int_forecast_cumulants"),
        new_deals=dbt.ref("int_forecast_new_deal_bookings"),
        spread=dbt.ref("int_forecast_spread"),
        draws=int(meta["draws"]),
        seed=int(meta["seed"]),
        max_monte_carlo_deals=int(meta["max_monte_carlo_deals"]),
    ))
