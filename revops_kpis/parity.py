"""Comparing two builds of the same export on two engines, table by table, value by value.

The reference is the DuckDB build (file mode, the default); the other is a build of the same
export on another engine in warehouse mode (PostgreSQL: tests/python/test_postgres_parity.py;
Spark: revops_kpis.spark_parity). Every table and view that both builds made is compared:
the same columns in the same order, the same rows (as a multiset), texts, dates, timestamps
and booleans exactly, numbers within a relative and absolute 1e-9 (floating-point sums and
numeric divisions differ in their last digits between engines).

What legitimately differs is the win-probability model: the fitted dbt Python model on DuckDB,
its SQL stand-in (historical stage win rates) on engines without Python models. The columns
computed from it are listed in MODEL_DEPENDENT_COLUMNS and are, with the incremental audit
tables' bookkeeping (ENGINE_SPECIFIC_COLUMNS), the only ones not compared.

Each engine is read through a `fetch(schema, relation, columns)` callable returning rows as
tuples of Python values, and `columns(schema, relation)` returning the column names in order.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

# Columns computed from the win-probability model. A model listed with None is not compared.
MODEL_DEPENDENT_COLUMNS: dict[str, set[str] | None] = {
    # the model itself: the fitted terms on DuckDB, one stand-in row elsewhere
    "int_win_probability_model": None,
    # the probability of each moment of a deal
    "int_win_probability_scores": {"win_probability", "probability_method"},
    # probabilities before/after an interaction, their change and the interaction's value
    "int_interactions_scored": {
        "probability_before", "probability_after", "probability_delta",
        "interaction_value_amount", "probability_method",
    },
    # which deals fall in which decile depends on the predictions; the decile numbers and
    # their sizes (ntile of the same held-out deals) do not
    "int_win_probability_calibration": {
        "probability_method", "mean_predicted_probability", "observed_win_rate",
        "min_predicted_probability", "max_predicted_probability", "brier_score", "log_loss",
    },
    # the marts that publish those values
    "fct_interactions": {
        "probability_before", "probability_after", "probability_delta", "interaction_value_amount",
        "probability_method",
    },
    "fct_opportunity_probabilities": {"win_probability", "weighted_amount", "probability_method"},
    "int_lever_interaction_value": {"interaction_value_sum_amount", "positive_interaction_count"},
    "rpt_kpi_tier3_levers": {
        "interaction_value_sum_amount", "avg_interaction_value_amount", "positive_interaction_count",
        "positive_interaction_rate",
    },
    # the probability of each open deal at each pipeline date, and the pipeline weighted by it
    "int_win_probability_at_dates": {"win_probability", "probability_method"},
    "fct_pipeline_snapshots": {"win_probability", "weighted_amount", "probability_method"},
    "rpt_pipeline_daily": {"weighted_amount"},
    # the deals at risk: the fall of the win probability is one of the reasons, so the count of
    # reasons, whether any applies and what to do depend on the model too
    "fct_deals_at_risk": {
        "quarter_start_win_probability", "win_probability", "is_win_probability_dropped", "risk_reason_count",
        "is_at_risk", "what_to_do",
    },
    # the forecast: each deal's in-period probability, the cumulants summed from it, and the band
    # (the Python model draws where the SQL stand-in expands cumulants); won to date, the
    # Commit and Best Case calls and the deal counts do not depend on the model
    "int_forecast_deal_inputs": {"win_probability"},
    # the in-period rate: the share of the win probability realised inside the period, so its
    # denominator (the sum of win probabilities) and the level it is read from are the model's
    "int_forecast_slip_rates": {
        "expected_win_count", "position_expected_win_count", "pooled_expected_win_count",
        "in_period_rate", "rate_basis",
    },
    "int_forecast_deal_probabilities": {
        "win_probability", "in_period_win_probability", "in_period_rate", "rate_basis",
    },
    "int_forecast_open_deals": {"win_probability", "in_period_win_probability", "in_period_rate", "rate_basis"},
    "int_forecast_cumulants": {"k1", "k2", "k3", "k4", "certain_amount", "possible_amount"},
    # the model's moments (its expected value and standard deviation) and the errors of its
    # forecasts; the new-deal history is not model-dependent
    "int_forecast_moments": {"model_expected_amount", "model_standard_deviation"},
    "int_forecast_standardised_errors": {
        "model_expected_amount", "model_standard_deviation", "standardised_error",
    },
    # the learnt band: the errors it learns from are the model's; the new-deal history is not
    "int_forecast_spread": {
        "model_expected_amount", "model_standard_deviation", "spread_example_count", "spread_p10_z",
        "spread_p50_z", "spread_p90_z", "spread_basis", "calibrated_p10_amount", "calibrated_p50_amount",
        "calibrated_p90_amount",
    },
    # the model's distribution: drawn by the Python model, expanded by its SQL stand-in
    "int_forecast_distribution": {
        "open_expected_amount", "expected_amount", "model_p10_amount", "model_p50_amount",
        "model_p90_amount", "forecast_method",
    },
    "rpt_forecast": {
        "open_expected_amount", "expected_amount", "p10_amount", "p50_amount", "p90_amount",
        "forecast_method", "model_p10_amount", "model_p50_amount", "model_p90_amount",
        "spread_basis", "spread_example_count",
    },
    "rpt_forecast_backtest": {
        "forecast_method", "expected_amount", "p10_amount", "p50_amount", "p90_amount",
        "expected_abs_error_amount", "p50_abs_error_amount", "is_actual_in_band",
        "expected_abs_pct_error_rate", "p50_abs_pct_error_rate", "model_p10_amount",
        "model_p90_amount", "is_actual_in_model_band", "spread_basis", "is_scored", "unscored_reason",
    },
    "rpt_forecast_backtest_summary": {
        "expected_abs_pct_error_rate_sum", "p50_abs_pct_error_rate_sum", "in_band_count",
        "expected_mape_rate", "p50_mape_rate", "in_band_rate", "model_band_in_band_count",
        "model_band_in_band_rate", "learnt_forecast_count", "learnt_scored_forecast_count",
        "learnt_expected_abs_pct_error_rate_sum", "learnt_commit_abs_pct_error_rate_sum",
        "learnt_in_band_count", "learnt_expected_mape_rate", "learnt_commit_mape_rate",
        "learnt_in_band_rate",
    },
}
# Bookkeeping of incremental models: each engine hashes rows with its own function, the build
# fingerprint names the source mode, and a key's fingerprint is null where the model is a
# plain table (engines other than DuckDB).
ENGINE_SPECIFIC_COLUMNS = {"_raw_row_hash", "_build_fingerprint", "_key_fingerprint"}
RELATIVE_TOLERANCE = 1e-9
ABSOLUTE_TOLERANCE = 1e-9
MAX_REPORTED = 8
ALL_LAYERS = ("models/staging/", "models/intermediate/", "models/marts/")

Rows = list[tuple]
Fetch = Callable[[str, str, list[str]], Rows]
Columns = Callable[[str, str], list[str]]


def built_relations(manifest_path: Path | str, layers: Iterable[str] = ALL_LAYERS) -> dict[str, tuple[str, str]]:
    """model name -> (schema, relation name) of every enabled, non-ephemeral model of a build
    under the given model folders, from the build's manifest.json."""
    layers = tuple(layers)
    manifest = json.loads(Path(manifest_path).read_text())
    relations = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or not node["original_file_path"].startswith(layers):
            continue
        if node["config"].get("materialized") == "ephemeral":
            continue
        relations[node["name"]] = (node["schema"], node["alias"] or node["name"])
    return relations


def _is_number(value) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def same_value(left, right) -> bool:
    if left is None or right is None:
        return left is None and right is None
    if _is_number(left) and _is_number(right):
        if isinstance(left, int) and isinstance(right, int):
            return left == right
        left, right = float(left), float(right)
        if math.isinf(left) or math.isinf(right) or math.isnan(left) or math.isnan(right):
            return left == right or (math.isnan(left) and math.isnan(right))
        return math.isclose(left, right, rel_tol=RELATIVE_TOLERANCE, abs_tol=ABSOLUTE_TOLERANCE)
    if type(left) is not type(right) and not (isinstance(left, date) and isinstance(right, date)):
        return False
    return left == right


def _sort_value(value):
    """A sort key that orders None, booleans, numbers, dates/times and texts consistently
    across engines; numbers rounded so that float noise cannot reorder rows."""
    if value is None:
        return (0, 0)
    if isinstance(value, bool):
        return (1, int(value))
    if _is_number(value):
        number = float(value)
        return (2, number if math.isinf(number) or math.isnan(number) else round(number, 6))
    if isinstance(value, (datetime, date)):
        return (3, value.isoformat())
    return (4, str(value))


def _row_key(row: tuple, float_positions: list[int]) -> tuple:
    # exact columns first: ties among them are broken by the (rounded) numbers
    exact = [i for i in range(len(row)) if i not in float_positions]
    return tuple(_sort_value(row[i]) for i in exact) + tuple(_sort_value(row[i]) for i in float_positions)


def _fractional_positions(rows: list[tuple]) -> list[int]:
    """Columns holding non-integer numbers in any row (their last digits may differ)."""
    positions = set()
    for row in rows:
        for i, value in enumerate(row):
            if isinstance(value, (float, Decimal)):
                positions.add(i)
    return sorted(positions)


def compare_tables(
    name: str, columns: list[str], reference_rows: Rows, other_rows: Rows,
    reference: str = "DuckDB", other: str = "PostgreSQL",
) -> list[str]:
    """Differences between two results with the same columns, as readable lines."""
    float_positions = _fractional_positions(list(reference_rows) + list(other_rows))
    reference_sorted = sorted(reference_rows, key=lambda row: _row_key(row, float_positions))
    other_sorted = sorted(other_rows, key=lambda row: _row_key(row, float_positions))
    problems: list[str] = []
    if len(reference_sorted) != len(other_sorted):
        problems.append(f"{name}: {len(reference_sorted)} rows on {reference}, {len(other_sorted)} on {other}")
        reference_keys = Counter(_row_key(row, float_positions) for row in reference_sorted)
        other_keys = Counter(_row_key(row, float_positions) for row in other_sorted)
        for engine, keys, rows in (
            (reference, reference_keys - other_keys, reference_sorted),
            (other, other_keys - reference_keys, other_sorted),
        ):
            by_key = {_row_key(row, float_positions): row for row in rows}
            for key in list(keys.elements())[:MAX_REPORTED]:
                problems.append(f"{name}: only on {engine}: {dict(zip(columns, by_key[key]))}")
        return problems
    for number, (reference_row, other_row) in enumerate(zip(reference_sorted, other_sorted), start=1):
        for column, reference_value, other_value in zip(columns, reference_row, other_row):
            if not same_value(reference_value, other_value):
                problems.append(
                    f"{name}: row {number} (sorted), column {column}: {reference} {reference_value!r}, "
                    f"{other} {other_value!r}; {reference} row {dict(zip(columns, reference_row))}"
                )
                if len(problems) >= MAX_REPORTED:
                    problems.append(f"{name}: ... (further differences not shown)")
                    return problems
    return problems


@dataclass
class Engine:
    """One build to compare: its name, its models (built_relations) and how to read them."""

    name: str
    relations: dict[str, tuple[str, str]]
    columns: Columns
    fetch: Fetch


@dataclass
class ParityReport:
    problems: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    compared_models: int = 0
    compared_rows: int = 0

    def text(self, timings: dict[str, float] | None = None) -> str:
        lines = list(self.summary)
        line = f"{self.compared_models} models, {self.compared_rows} rows compared"
        if timings:
            line += "; " + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in timings.items())
        return "\n".join(lines + [line])


def compare_builds(reference: Engine, other: Engine) -> ParityReport:
    """Compares every model both builds made; models built by one engine only are a problem."""
    report = ParityReport()
    only = sorted(set(reference.relations) ^ set(other.relations))
    if only:
        report.problems.append(
            f"models built on one engine only: {', '.join(only)} "
            f"({reference.name}: {len(reference.relations)}, {other.name}: {len(other.relations)})"
        )
    for name in sorted(set(reference.relations) & set(other.relations)):
        skipped = MODEL_DEPENDENT_COLUMNS.get(name, set())
        if skipped is None:
            report.summary.append(f"{name}: not compared (the Python model / its SQL stand-in)")
            continue
        reference_columns = reference.columns(*reference.relations[name])
        other_columns = other.columns(*other.relations[name])
        if reference_columns != other_columns:
            report.problems.append(
                f"{name}: columns differ: {reference.name} {reference_columns}, {other.name} {other_columns}"
            )
            continue
        skipped = skipped | (ENGINE_SPECIFIC_COLUMNS & set(reference_columns))
        columns = [c for c in reference_columns if c not in skipped]
        other_rows = other.fetch(*other.relations[name], columns)
        reference_rows = reference.fetch(*reference.relations[name], columns)
        report.problems += compare_tables(name, columns, reference_rows, other_rows, reference.name, other.name)
        report.compared_models += 1
        report.compared_rows += len(other_rows)
        note = f" (not compared: {', '.join(sorted(skipped))})" if skipped else ""
        report.summary.append(f"{name}: {len(other_rows)} rows x {len(columns)} columns{note}")
    return report


def duckdb_engine(connection, relations: dict[str, tuple[str, str]]) -> Engine:
    """The reference build: an open (read-only) DuckDB connection."""

    def columns(schema: str, relation: str) -> list[str]:
        return [row[0] for row in connection.execute(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
            "order by ordinal_position", [schema, relation]).fetchall()]

    def fetch(schema: str, relation: str, selected: list[str]) -> Rows:
        select_list = ", ".join(f'"{c}"' for c in selected)
        return connection.execute(f'select {select_list} from "{schema}"."{relation}"').fetchall()

    return Engine("DuckDB", relations, columns, fetch)
