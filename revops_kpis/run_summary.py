"""The summary printed at the end of a run: what was loaded and quarantined, the funnel
in use, the as-of date and where the results are."""

from __future__ import annotations

from pathlib import Path

import duckdb


def _rows(connection: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return connection.execute(sql).fetchall()


def _table_exists(connection: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    found = connection.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchall()
    return found[0][0] > 0


def format_run_summary(duckdb_path: Path, export_path: Path, absent_objects: list[str] | None = None) -> str:
    """Reads the built warehouse file and returns the summary text."""
    absent = set(absent_objects or [])
    with duckdb.connect(str(duckdb_path), read_only=True) as connection:
        as_of, as_of_source = _rows(connection, "select as_of, as_of_source from staging.stg_salesforce__export_as_of")[0]
        accounting = _rows(
            connection,
            """
            select object_name, raw_row_count, staged_row_count, deleted_row_count,
                   duplicate_row_count, quarantined_row_count
            from staging.stg_salesforce__row_accounting
            """,
        )
        reasons = _rows(
            connection,
            """
            select object_name, quarantine_reason, count(*) as row_count
            from staging.stg_salesforce__quarantine
            group by object_name, quarantine_reason
            order by object_name, row_count desc, quarantine_reason
            """,
        )
        funnel = _rows(
            connection,
            """
            select stage_name, is_closed, is_won, funnel_source
            from staging.stg_salesforce__stage_funnel
            order by stage_order
            """,
        )
        has_marts = _table_exists(connection, "marts", "rpt_kpi_tier1_outcomes")

    lines = [f"CRM export: {export_path}"]
    as_of_text = as_of.strftime("%Y-%m-%d %H:%M UTC") if as_of else "unknown (no timestamps in the export)"
    lines.append(f"As of:      {as_of_text} ({'set by the as_of var' if as_of_source == 'var' else 'latest event in the export'})")

    source = funnel[0][3] if funnel else "seed"
    open_stages = [name for name, is_closed, _, _ in funnel if not is_closed]
    won = [name for name, is_closed, is_won, _ in funnel if is_closed and is_won]
    lost = [name for name, is_closed, is_won, _ in funnel if is_closed and not is_won]
    order = " > ".join(open_stages + won) + (f"  (lost: {', '.join(lost)})" if lost else "")
    source_text = {
        "stage_definitions": "from the export's OpportunityStage object",
        "seed": "from the seed stage_order",
        "inferred": (
            "INFERRED from the export (no OpportunityStage object, and the seed stage_order does not "
            "cover the export's stage names): check it, and put your order in seeds/stage_order.csv"
        ),
    }.get(source, source)
    lines.append(f"Stage order {source_text}:")
    lines.append(f"  {order}")
    lines.append("")

    header = f"  {'object':<24}{'raw':>9}{'staged':>9}{'deleted':>9}{'duplicate':>11}{'quarantined':>13}"
    lines.append("Rows loaded:")
    lines.append(header)
    totals = [0, 0, 0, 0, 0]
    for object_name, *counts in accounting:
        if object_name in absent:
            lines.append(f"  {object_name:<24}{'(not in the export)':>51}")
            continue
        totals = [total + count for total, count in zip(totals, counts)]
        raw, staged, deleted, duplicate, quarantined = counts
        lines.append(f"  {object_name:<24}{raw:>9,}{staged:>9,}{deleted:>9,}{duplicate:>11,}{quarantined:>13,}")
    raw, staged, deleted, duplicate, quarantined = totals
    lines.append(f"  {'total':<24}{raw:>9,}{staged:>9,}{deleted:>9,}{duplicate:>11,}{quarantined:>13,}")
    lines.append("")
    if reasons:
        lines.append("Quarantined rows by reason (what to do: seed quarantine_reasons):")
        for object_name, reason, count in reasons:
            lines.append(f"  {object_name:<24}{reason:<28}{count:>7,}")
    else:
        lines.append("No row was quarantined.")
    lines.append("")
    lines.append(f"Results: {duckdb_path}")
    lines.append("  staging.stg_salesforce__*          clean objects, one view per Salesforce object")
    lines.append("  staging.stg_salesforce__quarantine rows that could not be cleaned (keys and reasons)")
    if has_marts:
        lines.append("  marts.*                            KPI marts")
    return "\n".join(lines)
