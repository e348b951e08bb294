"""What the mart checks expect, by naming convention (STYLE.md "Names"), with the documented
exceptions. Tables are discovered; columns are checked by their names:

- `*_rate`: a ratio in 0..1, except the rates in RATE_RANGES, whose definitions allow more;
- `*_amount` (and `amount`, `amount_*`): money, never negative, except the deltas in
  SIGNED_AMOUNTS;
- `days_*`, `*_days` and `*_minutes`: durations, never negative;
- keys: `(grain, grain_id, period_grain, period_start)` plus the dimension columns in
  GRAIN_DIMENSIONS present in the table for KPI tables; ENTITY_KEYS for entity and event tables
  (else the first column, when it is an `*_id`);
- row counts: ROW_COUNT_RULES compare a mart with the model it is built from; KPI tables hold
  one row per rep, team and company per fiscal period (the spine int_kpi_grain_periods).

Add an exception here, with its reason, when a new mart defines a column that may legitimately
fall outside its convention; the reason is printed in the report.
"""

from __future__ import annotations

from dataclasses import dataclass

GRAIN_KEY = ("grain", "grain_id", "period_grain", "period_start")
# Columns that split a KPI table's (grain, period) rows further: part of the key when present.
GRAIN_DIMENSIONS = ("stage_name", "loss_reason", "forecast_date", "is_latest")

# Rates whose definition allows values outside 0..1: (min, max, reason); None = unbounded.
RATE_RANGES: dict[str, tuple[float | None, float | None, str]] = {
    "forecast_accuracy_rate": (
        None, 1.0, "1 - |called - actual| / actual: below 0 when the miss is larger than what was won",
    ),
    "quota_attainment_rate": (0.0, None, "won / quota: above 1 when the quota is beaten"),
    "quota_attainment_p25_rate": (0.0, None, "a quota attainment: above 1 when the quota is beaten"),
    "quota_attainment_median_rate": (0.0, None, "a quota attainment: above 1 when the quota is beaten"),
    "quota_attainment_p75_rate": (0.0, None, "a quota attainment: above 1 when the quota is beaten"),
    "quota_pace_rate": (0.0, None, "won / (quota x elapsed share): above 1 when ahead of an even pace"),
    "net_revenue_retention_rate": (0.0, None, "expansion bookings make net revenue retention exceed 1"),
    "gross_margin_rate": (None, 1.0, "(bookings - cost) / bookings: below 0 when cost exceeds bookings"),
    "discount_rate": (None, 1.0, "1 - sold / list price: below 0 when sold above list price"),
    "expected_abs_pct_error_rate": (0.0, None, "|forecast - actual| / actual: above 1 when the miss exceeds the actual"),
    "p50_abs_pct_error_rate": (0.0, None, "|P50 - actual| / actual: above 1 when the miss exceeds the actual"),
    "commit_abs_pct_error_rate": (0.0, None, "|Commit call - actual| / actual: above 1 when the miss exceeds the actual"),
    "expected_mape_rate": (0.0, None, "a mean absolute percentage error: above 1 when misses exceed the actuals"),
    "p50_mape_rate": (0.0, None, "a mean absolute percentage error: above 1 when misses exceed the actuals"),
    "commit_mape_rate": (0.0, None, "a mean absolute percentage error: above 1 when misses exceed the actuals"),
    "learnt_expected_mape_rate": (0.0, None, "a mean absolute percentage error: above 1 when misses exceed the actuals"),
    "learnt_commit_mape_rate": (0.0, None, "a mean absolute percentage error: above 1 when misses exceed the actuals"),
}

# Amounts that are changes, not money held: (reason).
SIGNED_AMOUNTS: dict[str, str] = {
    "interaction_value_amount": "amount x change in win probability: negative when an interaction lowered it",
    "avg_interaction_value_amount": "mean of interaction values, which can be negative",
    "interaction_value_sum_amount": "sum of interaction values, which can be negative",
    "gross_margin_amount": "bookings - cost: negative when cost exceeds bookings",
    "fx_revaluation_amount": "the closing pipeline at its own day's rate less at the period-start rate: negative "
    "when the deals' currencies weakened",
    "amount_change": "a pipeline movement: negative for what left the pipeline",
}

# Entity and event tables: their key columns.
ENTITY_KEYS: dict[str, tuple[str, ...]] = {
    "dim_accounts": ("account_id",),
    "dim_opportunities": ("opportunity_id",),
    "dim_reps": ("rep_id",),
    "fct_interactions": ("interaction_id",),
    "fct_leads": ("lead_id",),
    "fct_stage_entries": ("opportunity_id", "stage_name"),
    "fct_stage_transitions": ("opportunity_id", "transition_number"),
    "fct_stage_visits": ("opportunity_id", "stage_name", "visit_number"),
    "dq_stage_progression": ("opportunity_id", "transition_number", "flag_type"),
    "fct_pipeline_movements": ("period_grain", "period_start", "opportunity_id", "component", "moved_at"),
    "rpt_forecast_backtest_summary": ("grain", "period_grain", "forecast_point"),
}

# Row counts a mart must have, from the models it is built from: (what, SQL giving the count).
# Tables of other schemas are read from the same DuckDB file; a rule whose source is missing
# is reported as not checked.
ROW_COUNT_RULES: dict[str, tuple[str, str]] = {
    "dim_opportunities": (
        "staged opportunities created by the as-of time",
        "select count(*) from staging.stg_crm__opportunities as o "
        "cross join staging.stg_crm__export_as_of as a where o.created_at <= a.as_of",
    ),
    "dim_accounts": (
        "staged accounts created by the as-of time (or undated)",
        "select count(*) from staging.stg_crm__accounts as o "
        "cross join staging.stg_crm__export_as_of as a where o.created_at is null or o.created_at <= a.as_of",
    ),
    "dim_reps": ("reps identified (int_reps_identified)", "select count(*) from intermediate.int_reps_identified"),
    "fct_leads": (
        "staged leads created by the as-of time (or undated)",
        "select count(*) from staging.stg_crm__leads as o "
        "cross join staging.stg_crm__export_as_of as a where o.created_at is null or o.created_at <= a.as_of",
    ),
    "fct_interactions": (
        "interactions that happened by the as-of time (int_interactions_unified)",
        "select count(*) from intermediate.int_interactions_unified",
    ),
    "fct_stage_transitions": (
        "stage transitions (int_stage_transitions)", "select count(*) from intermediate.int_stage_transitions",
    ),
    "fct_stage_visits": (
        "one visit per stage transition", "select count(*) from intermediate.int_stage_transitions",
    ),
    "fct_stage_entries": (
        "staged opportunities created by the as-of time x funnel stages",
        "select (select count(*) from staging.stg_crm__opportunities as o "
        "cross join staging.stg_crm__export_as_of as a where o.created_at <= a.as_of) "
        "* (select count(*) from staging.stg_crm__stage_funnel)",
    ),
    "dq_stage_progression": (
        "flags raised on int_stage_transitions (one row per transition and flag)",
        "select coalesce(sum("
        "case when is_manual_skip then 1 else 0 end"
        " + case when skipped_stage_count > 0 and change_source = 'automated' and not is_inferred_from_deal"
        " then 1 else 0 end"
        " + case when transition_type = 'backward' then 1 else 0 end"
        " + case when transition_type = 'reopen' then 1 else 0 end"
        " + case when is_batch_logged then 1 else 0 end"
        " + case when is_unsupported_progression then 1 else 0 end), 0) "
        "from intermediate.int_stage_transitions",
    ),
    # the data-quality mart has no week rows: its trust rating looks at a trailing window of days
    "rpt_data_quality": (
        "(reps + teams + company) x fiscal months, quarters and years (no weeks)",
        "select ((select count(distinct rep_id) from marts.dim_reps)"
        " + (select count(distinct team_id) from marts.dim_reps) + 1)"
        " * (select count(*) from intermediate.int_fiscal_periods where period_grain <> 'week')",
    ),
    # ramp time is counted in whole months: no week rows either
    "rpt_ramp_time": (
        "(reps + teams + company) x fiscal months, quarters and years (no weeks)",
        "select ((select count(distinct rep_id) from marts.dim_reps)"
        " + (select count(distinct team_id) from marts.dim_reps) + 1)"
        " * (select count(*) from intermediate.int_fiscal_periods where period_grain <> 'week')",
    ),
}

# KPI tables: one row per rep, team and company per fiscal period.
SPINE_SQL = "select grain, grain_id, period_grain, period_start from intermediate.int_kpi_grain_periods"
REPS_X_PERIODS_SQL = (
    "select ((select count(distinct rep_id) from marts.dim_reps)"
    " + (select count(distinct team_id) from marts.dim_reps) + 1)"
    " * (select count(*) from intermediate.int_fiscal_periods)"
)


@dataclass(frozen=True)
class ColumnRule:
    kind: str  # 'rate', 'amount', 'duration'
    min_value: float | None
    max_value: float | None
    note: str | None = None  # the documented reason of an exception

    @property
    def label(self) -> str:
        if self.min_value is not None and self.max_value is not None:
            bounds = f"in {self.min_value:g}..{self.max_value:g}"
        elif self.min_value is not None:
            bounds = f">= {self.min_value:g}"
        else:
            bounds = f"<= {self.max_value:g}"
        return f"{self.kind} {bounds}" + (f" (documented exception: {self.note})" if self.note else "")


def column_rule(column: str) -> ColumnRule | None:
    """The value rule of a column by its name, or None when its name promises nothing."""
    name = column.lower()
    if name.endswith("_rate"):
        if name in RATE_RANGES:
            low, high, reason = RATE_RANGES[name]
            return ColumnRule("rate", low, high, reason)
        return ColumnRule("rate", 0.0, 1.0)
    if name == "amount" or name.endswith("_amount") or name.startswith("amount_"):
        if name in SIGNED_AMOUNTS:
            return None
        return ColumnRule("amount", 0.0, None)
    if name.startswith("days_") or name.endswith("_days") or name.endswith("_minutes"):
        return ColumnRule("duration", 0.0, None)
    return None


def table_key(table: str, columns: list[str]) -> tuple[tuple[str, ...], str]:
    """(key columns, how the key was found) of a mart table."""
    if all(column in columns for column in GRAIN_KEY):
        dimensions = tuple(column for column in GRAIN_DIMENSIONS if column in columns)
        return GRAIN_KEY + dimensions, "KPI grain" + (f" + {', '.join(dimensions)}" if dimensions else "")
    if table in ENTITY_KEYS:
        return ENTITY_KEYS[table], "entity key"
    if columns and columns[0].endswith("_id"):
        return (columns[0],), "first column (no key registered in mart_checks._rules.ENTITY_KEYS)"
    return (), "no key known"


def is_grain_table(columns: list[str]) -> bool:
    return all(column in columns for column in GRAIN_KEY)
