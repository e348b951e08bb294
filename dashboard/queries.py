"""The dashboard's queries: small plain functions over the published marts.

Each takes an open (read-only) DuckDB connection and the filters, and returns a pandas frame.
Ratios are the marts' own columns, shown beside their numerators and denominators; nothing
here averages a ratio across rows. Team and company rows come from the marts' own team and
company grains, never from summing rep rows here.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DUCKDB_PATH = PROJECT_ROOT / "target" / "revops_kpis.duckdb"

PERIOD_GRAINS = ("quarter", "month", "year", "week")
GRAINS = ("company", "team", "rep")
ALL_TEAMS = None  # the team filter's "every team"

# The marts every page reads (the exposures in models/marts/_exposures.yml name the same).
MARTS = (
    "rpt_kpi_tier1_outcomes",
    "rpt_kpi_tier2_diagnostics",
    "rpt_kpi_tier3_levers",
    "rpt_rep_scorecard",
    "rpt_stage_conversion",
    "rpt_time_in_stage",
    "rpt_data_quality",
    "dq_stage_progression",
    "dim_reps",
    "fct_interactions",
    "rpt_pipeline_flow",
    "fct_pipeline_movements",
    "rpt_forecast",
    "rpt_loss_reasons",
    "rpt_pipeline_daily",
    "fct_open_deals",
    "fct_deals_at_risk",
    "rpt_pipeline_age",
    "rpt_ramp_time",
    "fct_rep_ramp",
)


class WarehouseMissing(RuntimeError):
    """The DuckDB file does not exist, cannot be opened, or holds no marts."""


def warehouse_path() -> Path:
    """The warehouse file: REVOPS_DUCKDB_PATH, else target/revops_kpis.duckdb."""
    return Path(os.environ.get("REVOPS_DUCKDB_PATH") or DEFAULT_DUCKDB_PATH).resolve()


def connect(path: Path | str) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a built warehouse; WarehouseMissing when there is none."""
    path = Path(path)
    if not path.is_file():
        raise WarehouseMissing(
            f"No warehouse at {path}. Build it first: `scripts/run.sh` (or `scripts/dashboard.sh`, "
            "which builds the demo when the file is missing), or point REVOPS_DUCKDB_PATH at a built file."
        )
    try:
        connection = duckdb.connect(str(path), read_only=True)
    except duckdb.IOException as error:
        raise WarehouseMissing(
            f"Cannot open {path} read-only: {error}. A build may be writing it; reload when it has finished."
        ) from None
    present = {
        row[0]
        for row in connection.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()
    }
    missing = [name for name in MARTS if name not in present]
    if missing:
        connection.close()
        raise WarehouseMissing(f"{path} holds no {', '.join(missing)}: run the full build (`scripts/run.sh`).")
    return connection


def _frame(connection: duckdb.DuckDBPyConnection, sql: str, parameters: list | None = None) -> pd.DataFrame:
    return connection.execute(sql, parameters or []).df()


# ---------------------------------------------------------------- filters


def as_of(connection) -> dt.datetime:
    return connection.execute("select as_of from staging.stg_crm__export_as_of").fetchall()[0][0]


def currency(connection) -> str:
    """The corporate currency the amounts are in (the one rule: run_summary.reporting_currency)."""
    from revops_kpis.run_summary import reporting_currency

    return reporting_currency(connection)


def periods(connection, period_grain: str) -> pd.DataFrame:
    """Periods of a grain, newest first, with whether each is complete by the as-of time."""
    frame = _frame(
        connection,
        """
        select period_start, period_end, period_end <= cast(as_of.as_of as date) as is_complete
        from marts.rpt_kpi_tier2_diagnostics
        cross join staging.stg_crm__export_as_of as as_of
        where grain = 'company' and period_grain = ?
        order by period_start desc
        """,
        [period_grain],
    )
    for column in ("period_start", "period_end"):
        frame[column] = [value.date() if hasattr(value, "date") else value for value in frame[column]]
    return frame


def default_period(period_frame: pd.DataFrame) -> dt.date | None:
    """The latest complete period, else the latest one."""
    if period_frame.empty:
        return None
    complete = period_frame[period_frame["is_complete"]]
    return (complete if not complete.empty else period_frame)["period_start"].iloc[0]


def period_label(period_grain: str, start: dt.date, end: dt.date) -> str:
    last = end - dt.timedelta(days=1)
    if period_grain == "week":
        return f"{start:%Y-%m-%d} to {last:%Y-%m-%d}"
    if period_grain == "month":
        return f"{start:%Y-%m}"
    if period_grain == "year":
        return f"FY {start:%Y-%m} to {last:%Y-%m}"
    return f"{start:%b %Y} to {last:%b %Y}"


def teams(connection) -> pd.DataFrame:
    """team_id, team_name (the team is the rep's manager)."""
    return _frame(
        connection,
        """
        select distinct team_id, coalesce(team_name, team_id) as team_name
        from marts.dim_reps
        where team_id is not null
        order by team_name, team_id
        """,
    )


# ---------------------------------------------------------------- rows of a KPI table

# every KPI mart names its rows (grain_name: the rep's name, the team's name, 'Company')
_NAMES = "kpi.grain_name as name"


def _scope(grain: str, team_id: str | None) -> tuple[str, list]:
    """The where clause of rows at a grain, within a team when one is chosen."""
    if grain == "company" or team_id is None:
        return "kpi.grain = ?", [grain]
    if grain == "team":
        return "kpi.grain = 'team' and kpi.grain_id = ?", [team_id]
    return "kpi.grain = 'rep' and kpi.grain_id in (select rep_id from marts.dim_reps where team_id = ?)", [team_id]


def kpi_rows(connection, table: str, columns: list[str], period_grain: str, period_start,
             grain: str, team_id: str | None = None) -> pd.DataFrame:
    """One row per entity of the grain (named) in one period of a KPI table."""
    if table not in MARTS:
        raise ValueError(f"unknown mart {table}")
    where, parameters = _scope(grain, team_id)
    selected = ", ".join(f"kpi.{column}" for column in columns)
    return _frame(
        connection,
        f"""
        select kpi.grain_id, {_NAMES}, {selected}
        from marts.{table} as kpi
        where {where} and kpi.period_grain = ? and kpi.period_start = ?
        order by name, kpi.grain_id
        """,
        [*parameters, period_grain, period_start],
    )


def focus(team_id: str | None) -> tuple[str, str]:
    """The (grain, grain_id) whose headline numbers a page shows: the team when one is chosen,
    else the company."""
    return ("team", team_id) if team_id else ("company", "all")


def focus_row(connection, table: str, columns: list[str], period_grain: str, period_start,
              team_id: str | None = None, entity: tuple[str, str] | None = None) -> dict:
    """The row of one entity in one period: `entity` (grain, grain_id) when given, else the
    focus (the chosen team, else the company)."""
    grain, grain_id = entity or focus(team_id)
    if table not in MARTS:
        raise ValueError(f"unknown mart {table}")
    frame = _frame(
        connection,
        f"""
        select {", ".join(columns)} from marts.{table}
        where grain = ? and grain_id = ? and period_grain = ? and period_start = ?
        """,
        [grain, grain_id, period_grain, period_start],
    )
    return frame.iloc[0].to_dict() if not frame.empty else {column: None for column in columns}


def trend(connection, table: str, columns: list[str], period_grain: str, period_start,
          team_id: str | None = None, periods_back: int = 12) -> pd.DataFrame:
    """The focus entity's values over the periods up to the chosen one (oldest first)."""
    grain, grain_id = focus(team_id)
    if table not in MARTS:
        raise ValueError(f"unknown mart {table}")
    return _frame(
        connection,
        f"""
        select period_start, {", ".join(columns)} from marts.{table}
        where grain = ? and grain_id = ? and period_grain = ? and period_start <= ?
        order by period_start desc
        limit ?
        """,
        [grain, grain_id, period_grain, period_start, periods_back],
    ).sort_values("period_start", ignore_index=True).assign(
        period=lambda frame: [short_period_label(period_grain, start) for start in frame["period_start"]]
    )


def short_period_label(period_grain: str, start) -> str:
    """A chart axis label: the first month of the period (the fiscal year's for years), the
    first day for weeks."""
    if period_grain == "week":
        return f"{start:%d %b %Y}"
    return f"FY {start:%Y-%m}" if period_grain == "year" else f"{start:%b %Y}"


# ---------------------------------------------------------------- page-specific

def attainment_distribution(connection, period_grain: str, period_start, team_id: str | None = None) -> pd.DataFrame:
    """Quota attainment of every quota-carrying rep (quota in the period) in scope."""
    where, parameters = _scope("rep", team_id)
    return _frame(
        connection,
        f"""
        select kpi.grain_id, {_NAMES}, kpi.won_amount, kpi.quota_amount, kpi.quota_attainment_rate
        from marts.rpt_kpi_tier2_diagnostics as kpi
        where {where} and kpi.period_grain = ? and kpi.period_start = ? and kpi.quota_amount > 0
        order by kpi.quota_attainment_rate desc, name
        """,
        [*parameters, period_grain, period_start],
    )


def stage_rows(connection, table: str, grain: str, grain_id: str, period_grain: str, period_start) -> pd.DataFrame:
    """rpt_stage_conversion or rpt_time_in_stage for one entity and period, in funnel order."""
    if table not in ("rpt_stage_conversion", "rpt_time_in_stage"):
        raise ValueError(f"not a stage mart: {table}")
    columns = (
        "entered_count, advanced_count, stage_conversion_rate, still_open_count, is_cohort_mature"
        if table == "rpt_stage_conversion"
        else "exited_visit_count, days_in_stage_sum, avg_days_in_stage, median_days_in_stage"
    )
    return _frame(
        connection,
        f"""
        select stage_order, stage_name, {columns} from marts.{table}
        where grain = ? and grain_id = ? and period_grain = ? and period_start = ?
        order by stage_order, stage_name
        """,
        [grain, grain_id, period_grain, period_start],
    )


def data_quality_with_levers(connection, period_grain: str, period_start, team_id: str | None = None) -> pd.DataFrame:
    """Each rep's stage-data quality next to their Tier 3 numbers in the period."""
    where, parameters = _scope("rep", team_id)
    return _frame(
        connection,
        f"""
        select
            kpi.grain_id, {_NAMES},
            kpi.trust_rating, kpi.transition_count, kpi.manual_skip_rate, kpi.batch_logged_rate,
            kpi.trust_transition_count, kpi.trust_manual_skip_rate, kpi.trust_batch_logged_rate,
            levers.stage_conversion_rate, levers.median_days_in_stage, levers.median_sales_cycle_days,
            levers.sales_velocity_per_day_amount,
            kpi.manual_skip_count, kpi.batch_logged_count,
            kpi.unsupported_progression_count, kpi.unsupported_progression_rate,
            kpi.stale_open_deal_count, kpi.open_deal_count,
            levers.stage_advance_count, levers.stage_entry_count
        from marts.rpt_data_quality as kpi
        inner join marts.rpt_kpi_tier3_levers as levers
            on kpi.grain = levers.grain and kpi.grain_id = levers.grain_id
            and kpi.period_grain = levers.period_grain and kpi.period_start = levers.period_start
        where {where} and kpi.period_grain = ? and kpi.period_start = ?
        order by
            case kpi.trust_rating when 'untrusted' then 0 when 'review' then 1 else 2 end,
            coalesce(kpi.trust_manual_skip_rate, 0) + coalesce(kpi.trust_batch_logged_rate, 0) desc,
            name
        """,
        [*parameters, period_grain, period_start],
    )


def flagged_transitions(connection, period_start, period_end, team_id: str | None = None) -> pd.DataFrame:
    """Flagged stage changes (dq_stage_progression) dated in the period, by flag and rep."""
    team_filter = "and team_id = ?" if team_id else ""
    return _frame(
        connection,
        f"""
        select
            coalesce(owner_name, owner_id) as owner_name, flag_type, change_source,
            count(*) as flagged_count
        from marts.dq_stage_progression
        where changed_date >= ? and changed_date < ? {team_filter}
        group by all
        order by flagged_count desc, owner_name, flag_type, change_source
        """,
        [period_start, period_end, *([team_id] if team_id else [])],
    )


def valued_interactions(connection, period_start, period_end, team_id: str | None = None) -> pd.DataFrame:
    """The interactions of fct_interactions dated in [period_start, period_end) that have a value
    (logged on a deal open at the time), for the focus entity: every user's for the company; for
    a team, those of its reps and of its manager when the manager is no rep (the team they lead),
    named by the rep who logged them."""
    team_filter = """
        and (
            interactions.owner_id in (select rep_id from marts.dim_reps where team_id = ?)
            or (interactions.owner_id = ? and reps.rep_id is null)
        )""" if team_id else ""
    return _frame(
        connection,
        f"""
        select
            interactions.interaction_id, interactions.owner_id,
            coalesce(reps.rep_name, interactions.owner_id) as name,
            interactions.occurred_date, interactions.interaction_type,
            interactions.probability_before, interactions.probability_after, interactions.probability_delta,
            interactions.probability_method, interactions.interval_end_reason,
            cast(interactions.interaction_value_amount as double) as interaction_value_amount
        from marts.fct_interactions as interactions
        left join marts.dim_reps as reps on interactions.owner_id = reps.rep_id
        where interactions.interaction_value_amount is not null
            and interactions.occurred_date >= ? and interactions.occurred_date < ? {team_filter}
        order by interactions.occurred_date, interactions.interaction_id
        """,
        [period_start, period_end, *([team_id, team_id] if team_id else [])],
    )


def _nice_width(raw: float) -> float:
    """The smallest of 1, 2, 2.5 and 5 times a power of ten that is at least raw (> 0)."""
    power = 10.0 ** np.floor(np.log10(raw))
    return float(next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= raw))


def value_histogram(values: pd.Series, bins_per_side: int = 10) -> pd.DataFrame:
    """Counts of values in bins symmetric around zero, one row per bin from the most negative to
    the most positive (empty bins included): exact zeros in a bin of their own (bin_order 0);
    positive values in (k w, (k + 1) w] (bin_order k + 1), negative ones mirrored (bin_order
    -(k + 1)), the outermost bin on each side open-ended. The width w is a round number such that
    bins_per_side bins cover 95% of the non-zero values' sizes. Columns: bin_order, bin (a label),
    sign ('negative', 'zero', 'positive'), bin_start, bin_end (null where open-ended),
    interaction_count."""
    value = values.dropna().to_numpy(dtype=float)
    size = np.abs(value)
    nonzero = size[size > 0]
    width = _nice_width(np.quantile(nonzero, 0.95) / bins_per_side) if nonzero.size else 1.0
    step = np.minimum(np.ceil(size / width), bins_per_side)  # 1..bins_per_side where not zero
    order = (np.sign(value) * step).astype(int)
    counts = pd.Series(order).value_counts()
    digits = len(f"{width:g}".partition(".")[2])  # the places the width has: 2.5 -> 1
    orders = np.arange(-bins_per_side, bins_per_side + 1)
    # the bin's edges: (|order| - 1) w to |order| w from zero, on the order's side
    inner = np.sign(orders) * (np.abs(orders) - 1) * width
    outer = orders * width
    frame = pd.DataFrame({
        "bin_order": orders,
        "sign": np.select([orders < 0, orders > 0], ["negative", "positive"], "zero"),
        "bin_start": np.where(orders < 0, outer, inner),
        "bin_end": np.where(orders < 0, inner, outer),
        "interaction_count": [int(counts.get(order, 0)) for order in orders],
    })
    frame.loc[frame["bin_order"] == -bins_per_side, "bin_start"] = np.nan
    frame.loc[frame["bin_order"] == bins_per_side, "bin_end"] = np.nan

    def label(row) -> str:
        if row.bin_order == 0:
            return "0"
        if pd.isna(row.bin_start):
            return f"below {row.bin_end:,.{digits}f}"
        if pd.isna(row.bin_end):
            return f"above {row.bin_start:,.{digits}f}"
        return f"{row.bin_start:,.{digits}f} to {row.bin_end:,.{digits}f}"

    frame.insert(1, "bin", [label(row) for row in frame.itertuples()])
    return frame


# ---------------------------------------------------------------- this quarter

# the pipeline flow's steps, in the waterfall's order (rpt_pipeline_flow's components): each
# (component, direction); outflows are published as positive figures, fx_revaluation is signed
FLOW_STEPS = (
    ("opening", "level"),
    ("created", "inflow"), ("pulled_in", "inflow"), ("reopened", "inflow"), ("increased", "inflow"),
    ("moved_in", "inflow"),
    ("decreased", "outflow"), ("pushed_out", "outflow"), ("pulled_out", "outflow"), ("undated", "outflow"),
    ("won", "outflow"), ("lost", "outflow"), ("moved_out", "outflow"),
    ("fx_revaluation", "revaluation"),
    ("closing", "level"),
)


def current_quarter(connection) -> tuple[dt.date, dt.date] | None:
    """The fiscal quarter holding the as-of time (the marts' latest quarter): (start, end)."""
    frame = periods(connection, "quarter")
    if frame.empty:
        return None
    return frame["period_start"].iloc[0], frame["period_end"].iloc[0]


def pipeline_flow(connection, period_grain: str, period_start, team_id: str | None = None,
                  entity: tuple[str, str] | None = None) -> pd.DataFrame:
    """The pipeline flow of an entity (`entity`, else the focus entity) in a period as a
    waterfall: one row per step (FLOW_STEPS order) with its deals, its amount (signed: an
    outflow negative) and where its bar starts and ends (the running total before and after
    it; the levels start at 0)."""
    columns = [f"{step}_{unit}" for step, _ in FLOW_STEPS for unit in ("count", "amount")]
    row = focus_row(connection, "rpt_pipeline_flow", columns, period_grain, period_start, team_id, entity)
    steps, running = [], 0.0
    for order, (step, direction) in enumerate(FLOW_STEPS):
        amount = float(row[f"{step}_amount"] or 0)
        deals = int(row[f"{step}_count"] or 0)
        if direction == "level":
            start, running = 0.0, amount
        else:
            signed = -amount if direction == "outflow" and amount else amount  # no -0
            start, running = running, running + signed
            amount = signed
        steps.append({"step_order": order, "step": step.replace("_", " "), "direction": direction,
                      "deal_count": deals, "amount": amount, "bar_start": start, "bar_end": running})
    return pd.DataFrame(steps)


FORECAST_COLUMNS = [
    "forecast_date", "won_to_date_count", "won_to_date_amount", "commit_amount", "best_case_amount",
    "open_deal_count", "expected_amount", "p10_amount", "p50_amount", "p90_amount", "forecast_method",
]


def forecasts(connection, period_grain: str, period_start, team_id: str | None = None,
              entity: tuple[str, str] | None = None) -> pd.DataFrame:
    """The forecasts of a period (rpt_forecast) of an entity (`entity`, else the focus
    entity), oldest first: the one made at the period start, at each week start inside it
    and, for a running period, the latest (at the as-of time, is_latest)."""
    grain, grain_id = entity or focus(team_id)
    frame = _frame(
        connection,
        f"""
        select {", ".join(FORECAST_COLUMNS)}, is_latest
        from marts.rpt_forecast
        where grain = ? and grain_id = ? and period_grain = ? and period_start = ?
        order by forecast_date, is_latest
        """,
        [grain, grain_id, period_grain, period_start],
    )
    frame["forecast_date"] = [value.date() if hasattr(value, "date") else value for value in frame["forecast_date"]]
    return frame


def moved_deals(connection, period_grain: str, period_start, component: str,
                entity: tuple[str, str] = ("company", "all"), limit: int = 10) -> pd.DataFrame:
    """The deals of one pipeline-flow component in a period (fct_pipeline_movements) for an
    entity (grain, grain_id: the company's every owner, a team's reps, one rep), the biggest
    amounts first: deal, owner (the one the movement counts for), date, the deal's stage then
    (the mart's stage_name) and amount."""
    grain, grain_id = entity
    owner_filter = {
        "company": ("", []),
        "team": ("and owner_id in (select rep_id from marts.dim_reps where team_id = ?)", [grain_id]),
        "rep": ("and owner_id = ?", [grain_id]),
    }[grain]
    return _frame(
        connection,
        f"""
        select
            opportunity_id, opportunity_name, coalesce(owner_name, owner_id) as owner_name,
            moved_date, stage_name, abs(amount_change) as amount
        from marts.fct_pipeline_movements
        where period_grain = ? and period_start = ? and component = ? {owner_filter[0]}
        order by abs(amount_change) desc, moved_date, opportunity_id
        limit ?
        """,
        [period_grain, period_start, component, *owner_filter[1], limit],
    )


# ---------------------------------------------------------------- loss reasons


def loss_reasons(connection, period_grain: str, period_start, team_id: str | None = None) -> pd.DataFrame:
    """The focus entity's lost deals of a period by loss reason (rpt_loss_reasons), the most
    lost amount first."""
    grain, grain_id = focus(team_id)
    return _frame(
        connection,
        """
        select loss_reason, lost_count, lost_amount
        from marts.rpt_loss_reasons
        where grain = ? and grain_id = ? and period_grain = ? and period_start = ?
        order by lost_amount desc nulls last, lost_count desc, loss_reason
        """,
        [grain, grain_id, period_grain, period_start],
    )


# ---------------------------------------------------------------- pipeline now


def pipeline_by_stage(connection, team_id: str | None = None) -> pd.DataFrame:
    """The focus entity's open pipeline on the latest day of rpt_pipeline_daily (the as-of
    date) by stage (in funnel order) and forecast category: open deals, amount, weighted amount."""
    grain, grain_id = focus(team_id)
    return _frame(
        connection,
        """
        select pipeline.pipeline_date, pipeline.stage_name,
               coalesce(pipeline.forecast_category, 'n/a') as forecast_category, pipeline.open_deal_count,
               cast(pipeline.amount as double) as amount, cast(pipeline.weighted_amount as double) as weighted_amount
        from marts.rpt_pipeline_daily as pipeline
        left join staging.stg_crm__stage_funnel as funnel on pipeline.stage_name = funnel.stage_name
        where pipeline.grain = ? and pipeline.grain_id = ?
            and pipeline.pipeline_date = (select max(pipeline_date) from marts.rpt_pipeline_daily)
        order by funnel.stage_order nulls last, pipeline.stage_name, forecast_category
        """,
        [grain, grain_id],
    )


DEAL_LISTS = {
    # list: (the deals in it: an at-risk reason of fct_deals_at_risk, their order: the most to
    # act on first)
    "stuck": ("risk.is_stuck_in_stage", "deals.days_in_current_stage - deals.stage_p75_days_in_stage desc"),
    "pushed": ("risk.is_pushed_twice_or_more", "deals.close_date_push_count desc, deals.amount desc nulls last"),
    "past_due": ("risk.is_past_due", "deals.past_due_days desc, deals.amount desc nulls last"),
    "quiet": ("risk.is_without_recent_interaction",
              "risk.last_account_interaction_at nulls first, deals.amount desc nulls last"),
    "probability_dropped": ("risk.is_win_probability_dropped",
                            "risk.quarter_start_win_probability - risk.win_probability desc"),
    "biggest": ("true", "deals.amount desc nulls last"),
}
_DEALS_AT_RISK = """
    marts.fct_open_deals as deals
    left join marts.fct_deals_at_risk as risk on deals.opportunity_id = risk.opportunity_id
"""


def deals_to_act_on(connection, which: str, team_id: str | None = None, limit: int = 10) -> pd.DataFrame:
    """Open deals of one list (DEAL_LISTS: the at-risk reasons of fct_deals_at_risk, and the
    biggest of fct_open_deals), within a team when one is chosen."""
    where, order = DEAL_LISTS[which]
    team_filter = "and deals.team_id = ?" if team_id else ""
    return _frame(
        connection,
        f"""
        select
            deals.opportunity_id, deals.opportunity_name, deals.owner_name, deals.stage_name,
            deals.forecast_category, cast(deals.amount as double) as amount, deals.expected_close_date,
            deals.is_past_due, deals.past_due_days, deals.close_date_push_count, deals.days_in_current_stage,
            deals.stage_p75_days_in_stage, risk.last_account_interaction_at, risk.quarter_start_win_probability,
            risk.win_probability, coalesce(risk.risk_reason_count, 0) as risk_reason_count, risk.what_to_do
        from {_DEALS_AT_RISK}
        where {where} {team_filter}
        order by {order}, deals.opportunity_id
        limit ?
        """,
        [*([team_id] if team_id else []), limit],
    )


def deal_list_sizes(connection, team_id: str | None = None) -> dict[str, int]:
    """How many open deals each list (DEAL_LISTS) holds."""
    team_filter = "where deals.team_id = ?" if team_id else ""
    counts = ", ".join(f"count(*) filter (where {where}) as {which}" for which, (where, _) in DEAL_LISTS.items())
    frame = _frame(connection, f"select {counts} from {_DEALS_AT_RISK} {team_filter}",
                   [team_id] if team_id else [])
    return {which: int(frame[which].iloc[0]) for which in DEAL_LISTS}


def rep_ramps(connection, team_id: str | None = None) -> pd.DataFrame:
    """Every rep's ramp (fct_rep_ramp), within a team when one is chosen: the latest starters first."""
    team_filter = "where team_id = ?" if team_id else ""
    return _frame(
        connection,
        f"""
        select rep_id, rep_name, team_name, start_month, start_source, ramped_month, months_to_ramp, is_ramped
        from marts.fct_rep_ramp {team_filter}
        order by start_month desc, rep_name, rep_id
        """,
        [team_id] if team_id else [],
    )
