"""The rpt_forecast table from its two inputs (DuckDB relations or pandas frames): the calls per
grain, period and forecast date, and the open deals with their in-period win probabilities
attributed to grains. Rows sorted by key; the bands come from revops_kpis.forecast."""

from __future__ import annotations

import numpy as np
import pandas as pd

from revops_kpis.forecast import forecast_bands

SCENARIO = ["period_grain", "period_start", "forecast_date", "is_latest"]
GROUP = ["grain", "grain_id"]
KEY = GROUP + SCENARIO
COLUMNS = [
    "grain", "grain_id", "period_grain", "period_start", "period_end", "forecast_date",
    "is_latest", "won_to_date_count", "won_to_date_amount", "commit_amount", "best_case_amount",
    "open_deal_count", "open_expected_amount", "expected_amount", "p10_amount", "p50_amount",
    "p90_amount", "forecast_method",
]


def _frame(relation) -> pd.DataFrame:
    if isinstance(relation, pd.DataFrame):
        return relation
    return relation.df()


def forecast_table(calls, open_deals, *, draws: int, seed: int, max_monte_carlo_deals: int) -> pd.DataFrame:
    calls = _frame(calls)
    members = _frame(open_deals)
    deals = (
        members[SCENARIO + ["opportunity_id", "amount", "in_period_win_probability"]]
        .drop_duplicates(SCENARIO + ["opportunity_id"])
        .astype({"amount": np.float64, "in_period_win_probability": np.float64})
    )
    bands = forecast_bands(
        deals,
        members[SCENARIO + ["opportunity_id"] + GROUP],
        scenario_columns=SCENARIO,
        group_columns=GROUP,
        probability_column="in_period_win_probability",
        groups=calls[KEY],
        draws=draws,
        seed=seed,
        max_monte_carlo_deals=max_monte_carlo_deals,
    )
    out = calls.merge(bands, on=KEY, how="left", validate="one_to_one")
    won = out["won_to_date_amount"].astype(np.float64)
    out["open_expected_amount"] = out["expected_amount"]
    for column in ["expected_amount", "p10_amount", "p50_amount", "p90_amount"]:
        out[column] = (won + out[column]).round(2)
    out["open_expected_amount"] = out["open_expected_amount"].round(2)
    for column in ["won_to_date_amount", "commit_amount", "best_case_amount"]:
        out[column] = out[column].astype(np.float64)
    for column in ["period_start", "period_end", "forecast_date"]:
        out[column] = pd.to_datetime(out[column]).dt.date
    out = out.sort_values(KEY, kind="mergesort").reset_index(drop=True)
    return out[COLUMNS]
