"""The rpt_forecast table from its inputs (DuckDB relations or pandas frames): the calls per
grain, period and forecast date (int_forecast_calls), the open deals with their in-period win
probabilities attributed to grains (int_forecast_open_deals) and the cumulants of each group's
open pipeline (int_forecast_cumulants). Forecasts with at most max_monte_carlo_deals open deals
are drawn (only their deal rows are read; int_forecast_open_deals holds no others at the
same limit); larger ones take the Cornish-Fisher expansion of their cumulants, computed in the
warehouse, so their deal rows never leave it. Rows sorted by key; the bands come from
revops_kpis.forecast."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from revops_kpis.forecast import cornish_fisher_from_cumulants, forecast_bands

SCENARIO = ["period_grain", "period_start", "forecast_date", "is_latest"]
GROUP = ["grain", "grain_id"]
KEY = GROUP + SCENARIO
BANDS = ["open_deal_count", "expected_amount", "p10_amount", "p50_amount", "p90_amount", "forecast_method"]
COLUMNS = [
    "grain", "grain_id", "period_grain", "period_start", "period_end", "forecast_date",
    "is_latest", "won_to_date_count", "won_to_date_amount", "commit_amount", "best_case_amount",
    "open_deal_count", "open_expected_amount", "expected_amount", "p10_amount", "p50_amount",
    "p90_amount", "forecast_method",
]


# the published types: money as decimals of cents, like every amount of the marts
SCHEMA = pa.schema(
    [
        ("grain", pa.string()),
        ("grain_id", pa.string()),
        ("period_grain", pa.string()),
        ("period_start", pa.date32()),
        ("period_end", pa.date32()),
        ("forecast_date", pa.date32()),
        ("is_latest", pa.bool_()),
        ("won_to_date_count", pa.int64()),
        ("won_to_date_amount", pa.decimal128(18, 2)),
        ("commit_amount", pa.decimal128(18, 2)),
        ("best_case_amount", pa.decimal128(18, 2)),
        ("open_deal_count", pa.int64()),
        ("open_expected_amount", pa.decimal128(18, 2)),
        ("expected_amount", pa.decimal128(18, 2)),
        ("p10_amount", pa.decimal128(18, 2)),
        ("p50_amount", pa.decimal128(18, 2)),
        ("p90_amount", pa.decimal128(18, 2)),
        ("forecast_method", pa.string()),
    ]
)


def to_arrow(frame: pd.DataFrame) -> pa.Table:
    """The forecast table with its published types (amounts rounded to cents, as decimals)."""
    arrays = []
    for field in SCHEMA:
        values = frame[field.name]
        if pa.types.is_decimal(field.type):
            cents = pa.array([f"{value:.2f}" for value in values.astype(np.float64).round(2)], pa.string())
            arrays.append(cents.cast(field.type))
        else:
            arrays.append(pa.array(values.tolist(), field.type))
    return pa.Table.from_arrays(arrays, schema=SCHEMA)


def _frame(relation, predicate: str | None = None) -> pd.DataFrame:
    if isinstance(relation, pd.DataFrame):
        return relation.query(predicate) if predicate else relation
    if predicate:
        relation = relation.filter(predicate)
    return relation.df()


def _normalise_dates(frame: pd.DataFrame) -> pd.DataFrame:
    for column in ["period_start", "period_end", "forecast_date"]:
        if column in frame:
            frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame


def forecast_table(
    calls, open_deals, cumulants, *, draws: int, seed: int, max_monte_carlo_deals: int
) -> pd.DataFrame:
    calls = _normalise_dates(_frame(calls).copy())
    limit = int(max_monte_carlo_deals)

    # small forecasts: drawn, each deal once, summed into its rep, team and company
    members = _normalise_dates(
        _frame(open_deals, f"scenario_open_deal_count <= {limit}").copy()
    )
    deals = (
        members[SCENARIO + ["opportunity_id", "amount", "in_period_win_probability"]]
        .drop_duplicates(SCENARIO + ["opportunity_id"])
        .astype({"amount": np.float64, "in_period_win_probability": np.float64})
    )
    drawn = forecast_bands(
        deals,
        members[SCENARIO + ["opportunity_id"] + GROUP],
        scenario_columns=SCENARIO,
        group_columns=GROUP,
        probability_column="in_period_win_probability",
        draws=draws,
        seed=seed,
        max_monte_carlo_deals=max(limit, 1),
    )

    # large forecasts: the expansion of the cumulants
    large = _normalise_dates(_frame(cumulants, f"scenario_open_deal_count > {limit}").copy())
    bands = cornish_fisher_from_cumulants(
        large["k1"], large["k2"], large["k3"], large["k4"],
        large["certain_amount"], large["possible_amount"],
    )
    expanded = large[KEY].copy()
    expanded["open_deal_count"] = large["open_deal_count"].astype(np.int64)
    expanded["expected_amount"] = large["k1"].astype(np.float64)
    expanded["p10_amount"], expanded["p50_amount"], expanded["p90_amount"] = bands.T
    expanded["forecast_method"] = "cornish_fisher"

    frames = [frame[KEY + BANDS] for frame in (drawn, expanded) if len(frame)]
    open_bands = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=KEY + BANDS)
    out = calls.merge(open_bands, on=KEY, how="left", validate="one_to_one")
    out["open_deal_count"] = out["open_deal_count"].fillna(0).astype(np.int64)
    out["forecast_method"] = out["forecast_method"].fillna("no_open_deals")
    won = out["won_to_date_amount"].astype(np.float64)
    out["open_expected_amount"] = out["expected_amount"].astype(np.float64).fillna(0.0).round(2)
    for column in ["expected_amount", "p10_amount", "p50_amount", "p90_amount"]:
        out[column] = (won + out[column].astype(np.float64).fillna(0.0)).round(2)
    for column in ["won_to_date_amount", "commit_amount", "best_case_amount"]:
        out[column] = out[column].astype(np.float64)
    out = out.sort_values(KEY, kind="mergesort").reset_index(drop=True)
    return out[COLUMNS]
