"""The model's distribution of each forecast (the int_forecast_distribution table) from its
inputs (DuckDB relations or pandas frames): the calls per grain, period and forecast date
(int_forecast_calls), the open deals with their in-period win probabilities attributed to
grains (int_forecast_open_deals) and the cumulants of each group's open pipeline
(int_forecast_cumulants). Forecasts with at most max_monte_carlo_deals open deals are drawn
(only their deal rows are read; int_forecast_open_deals holds no others at the same limit);
larger ones take the Cornish-Fisher expansion of their cumulants, computed in the warehouse, so
their deal rows never leave it. Rows sorted by key; the bands come from revops_kpis.forecast.

Optional, the new-deal bookings: the past periods each forecast learns from
(int_forecast_new_deal_bookings: added to the band, one past period per draw for the whole
forecast) and their moments (int_forecast_moments: the mean added to the expected value, the
cumulants to the expansion). The published band (the learnt one where it was learnt) is not
chosen here but in rpt_forecast, which reads this table on every engine."""

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
    "grain", "grain_id", "period_grain", "period_start", "forecast_date", "is_latest",
    "open_deal_count", "open_expected_amount", "expected_amount", "model_p10_amount",
    "model_p50_amount", "model_p90_amount", "forecast_method",
]


# the published types: money as decimals of cents, like every amount of the marts
SCHEMA = pa.schema(
    [
        ("grain", pa.string()),
        ("grain_id", pa.string()),
        ("period_grain", pa.string()),
        ("period_start", pa.date32()),
        ("forecast_date", pa.date32()),
        ("is_latest", pa.bool_()),
        ("open_deal_count", pa.int64()),
        ("open_expected_amount", pa.decimal128(18, 2)),
        ("expected_amount", pa.decimal128(18, 2)),
        ("model_p10_amount", pa.decimal128(18, 2)),
        ("model_p50_amount", pa.decimal128(18, 2)),
        ("model_p90_amount", pa.decimal128(18, 2)),
        ("forecast_method", pa.string()),
    ]
)


def to_arrow(frame: pd.DataFrame) -> pa.Table:
    """The distribution table with its published types (amounts rounded to cents, as decimals)."""
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


def distribution_table(
    calls, open_deals, cumulants, *, draws: int, seed: int, max_monte_carlo_deals: int,
    new_deals=None, moments=None,
) -> pd.DataFrame:
    calls = _normalise_dates(_frame(calls).copy())
    limit = int(max_monte_carlo_deals)
    new_deal_rows = None
    if new_deals is not None:
        new_deal_rows = _normalise_dates(_frame(new_deals).copy())
        new_deal_rows = new_deal_rows[
            KEY + ["history_rank", "history_period_count", "new_deal_amount"]
        ].astype({"new_deal_amount": np.float64})
    if moments is not None:
        moments = _normalise_dates(_frame(moments).copy())
    large_scenarios = _normalise_dates(
        _frame(cumulants, f"scenario_open_deal_count > {limit}").copy()
    )[SCENARIO].drop_duplicates()
    if new_deal_rows is not None:
        # the new-deal rows of the drawn forecasts: a forecast is large by its open deals
        flagged = new_deal_rows.merge(
            large_scenarios.assign(_large=True), on=SCENARIO, how="left"
        )
        new_deal_rows = new_deal_rows[flagged["_large"].isna().to_numpy()]

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
        extra=new_deal_rows,
    )

    # large forecasts: the expansion of the cumulants (+ the new-deal cumulants)
    large = _normalise_dates(_frame(cumulants, f"scenario_open_deal_count > {limit}").copy())
    if moments is not None:
        new_moments = moments.merge(large_scenarios, on=SCENARIO, how="inner")[
            KEY + ["new_deal_expected_amount", "new_deal_k2", "new_deal_k3", "new_deal_k4",
                   "new_deal_max_amount"]
        ]
        large = large.merge(new_moments, on=KEY, how="outer", validate="one_to_one")
        for column in ["k1", "k2", "k3", "k4", "certain_amount", "possible_amount", "open_deal_count",
                       "new_deal_expected_amount", "new_deal_k2", "new_deal_k3", "new_deal_k4",
                       "new_deal_max_amount"]:
            large[column] = large[column].astype(np.float64).fillna(0.0)
    else:
        large = large.assign(new_deal_expected_amount=0.0, new_deal_k2=0.0, new_deal_k3=0.0,
                             new_deal_k4=0.0, new_deal_max_amount=0.0)
    bands = cornish_fisher_from_cumulants(
        large["k1"] + large["new_deal_expected_amount"],
        large["k2"] + large["new_deal_k2"],
        large["k3"] + large["new_deal_k3"],
        large["k4"] + large["new_deal_k4"],
        large["certain_amount"], large["possible_amount"] + large["new_deal_max_amount"],
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
    if moments is not None:
        out = out.merge(moments[KEY + ["new_deal_expected_amount"]], on=KEY, how="left", validate="one_to_one")
    else:
        out = out.assign(new_deal_expected_amount=0.0)
    new_expected = out["new_deal_expected_amount"].astype(np.float64).fillna(0.0)
    out["expected_amount"] = (
        won + out["expected_amount"].astype(np.float64).fillna(0.0) + new_expected
    ).round(2)
    for column in ["p10_amount", "p50_amount", "p90_amount"]:
        out["model_" + column] = (won + out[column].astype(np.float64).fillna(0.0)).round(2)
    out = out.sort_values(KEY, kind="mergesort").reset_index(drop=True)
    return out[COLUMNS]
