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
    gaps = format_export_gaps(duckdb_path)
    if gaps:
        lines.append("")
        lines.extend(gaps)
    if has_marts:
        lines.append("")
        lines.extend(format_kpi_summary(duckdb_path))
    lines.append("")
    lines.append(f"Results: {duckdb_path}")
    lines.append("  staging.stg_salesforce__*          clean objects, one view per Salesforce object")
    lines.append("  staging.stg_salesforce__quarantine rows that could not be cleaned (keys and reasons)")
    if has_marts:
        lines.append("  marts.rpt_kpi_tier1_outcomes, rpt_kpi_tier2_diagnostics, rpt_kpi_tier3_levers,")
        lines.append("  marts.rpt_rep_scorecard, rpt_stage_conversion, rpt_time_in_stage, rpt_loss_reasons")
        lines.append("                                     KPIs per rep, team and company, month, quarter, year")
        lines.append("  marts.dim_*, marts.fct_*           deals, reps, accounts, transitions, visits, interactions, leads")
        lines.append("  marts.dq_stage_progression, rpt_data_quality   flagged stage changes, trust per rep")
    return "\n".join(lines)


def format_export_gaps(duckdb_path: Path) -> list[str]:
    """What the export lacks that empties or changes rows of the KPI tables, read from the
    build itself (so `revops-kpis summary` says it too): deals without owners (no OwnerId on
    Opportunity: a blank one is quarantined, so staged deals without an owner mean the column
    is absent), no users, leads without creation times."""
    lines: list[str] = []
    with duckdb.connect(str(duckdb_path), read_only=True) as connection:
        if _table_exists(connection, "staging", "stg_salesforce__opportunities"):
            deals, owned = _rows(
                connection, "select count(*), count(owner_id) from staging.stg_salesforce__opportunities"
            )[0]
            if deals > 0 and owned == 0:
                spans_owned = 0
                if _table_exists(connection, "intermediate", "int_opportunity_owners_historized"):
                    spans_owned = _rows(
                        connection, "select count(owner_id) from intermediate.int_opportunity_owners_historized"
                    )[0][0]
                if spans_owned == 0:
                    lines.append(
                        "The export has no OwnerId on Opportunity: rep and team rows are empty (no deal has an "
                        "owner); the company rows count every deal."
                    )
                else:
                    lines.append(
                        "The export has no OwnerId on Opportunity: rep and team rows hold only the deals whose "
                        "owner changed (OpportunityFieldHistory names the new owner); the company rows count every deal."
                    )
        if _table_exists(connection, "staging", "stg_salesforce__row_accounting"):
            users = _rows(
                connection,
                "select coalesce(sum(staged_row_count), 0) from staging.stg_salesforce__row_accounting "
                "where object_name = 'User'",
            )[0][0]
            if users == 0:
                lines.append(
                    "The export has no users (no User object): reps are named by their user id, all in the team "
                    "'unassigned' (No manager), and automation users are only those listed in the seed "
                    "automation_users or the var automation_user_ids."
                )
        if _table_exists(connection, "staging", "stg_salesforce__leads"):
            leads, dated = _rows(connection, "select count(*), count(created_at) from staging.stg_salesforce__leads")[0]
            if leads > 0 and dated == 0:
                lines.append(
                    "The export has no CreatedDate on Lead: lead response time and the lead counts are unknown (null)."
                )
    return lines


def _money(value) -> str:
    return "n/a" if value is None else f"{float(value):,.0f}"


def _pct(value) -> str:
    return "n/a" if value is None else f"{100 * float(value):.1f}%"


def _num(value, unit: str = "", digits: int = 1) -> str:
    return "n/a" if value is None else f"{float(value):,.{digits}f}{unit}"


def format_kpi_summary(duckdb_path: Path) -> list[str]:
    """The company scorecard of the latest complete fiscal quarter (tiers 1-3) and the
    data-quality headline: the manual-skip rate and the reps whose stage data is least
    trustworthy."""
    with duckdb.connect(str(duckdb_path), read_only=True) as connection:
        as_of_date = _rows(connection, "select cast(as_of as date) from staging.stg_salesforce__export_as_of")[0][0]
        quarters = _rows(
            connection,
            """
            select period_start, period_end from marts.rpt_kpi_tier2_diagnostics
            where grain = 'company' and period_grain = 'quarter'
            order by (period_end <= ?) desc, period_start desc
            limit 1
            """.replace("?", f"date '{as_of_date}'"),
        )
        if not quarters:
            return ["No KPI rows: the export has no deals."]
        start, end = quarters[0]
        key = f"grain = 'company' and period_grain = 'quarter' and period_start = date '{start}'"

        def company(table: str, columns: str) -> tuple:
            return _rows(connection, f"select {columns} from marts.{table} where {key}")[0]

        t1 = company(
            "rpt_kpi_tier1_outcomes",
            "bookings_amount, revenue_per_rep_amount, logo_retention_rate, net_revenue_retention_rate, renewal_rate",
        )
        t2 = company(
            "rpt_kpi_tier2_diagnostics",
            "won_count, lost_count, win_rate, avg_deal_size_amount, quota_attainment_rate, "
            "quota_attainment_median_rate, reps_at_or_above_quota_rate, commit_close_rate, forecast_accuracy_rate",
        )
        t3 = company(
            "rpt_kpi_tier3_levers",
            "median_lead_response_minutes, median_sales_cycle_days, median_days_in_stage, stage_conversion_rate, "
            "sales_velocity_per_day_amount, pipeline_coverage_ratio, slipped_rate, avg_interaction_value_amount, "
            "account_reach_rate, account_engagement_rate",
        )
        has_quality = _table_exists(connection, "marts", "rpt_data_quality")
        if has_quality:
            quality = company("rpt_data_quality", "transition_count, manual_skip_rate, batch_logged_rate")
            worst = _rows(
                connection,
                f"""
                select reps.rep_name, reps.team_name, quality.manual_skip_rate, quality.batch_logged_rate,
                       quality.transition_count, quality.trust_rating
                from marts.rpt_data_quality as quality
                inner join marts.dim_reps as reps on quality.grain_id = reps.rep_id
                where quality.grain = 'rep' and quality.period_grain = 'quarter'
                    and quality.period_start = date '{start}' and quality.transition_count > 0
                order by
                    case quality.trust_rating when 'untrusted' then 0 when 'review' then 1 else 2 end,
                    quality.manual_skip_rate + quality.batch_logged_rate desc,
                    reps.rep_name
                limit 3
                """,
            )
    complete = "latest complete quarter" if end <= as_of_date else "quarter in progress"
    lines = [f"Company scorecard, fiscal quarter {start} to {end} ({complete}):"]
    lines.append(
        f"  Tier 1  bookings {_money(t1[0])}   revenue per rep {_money(t1[1])}   logo retention {_pct(t1[2])}"
        f"   net revenue retention {_pct(t1[3])}   renewal rate {_pct(t1[4])}"
    )
    lines.append(
        f"  Tier 2  won {t2[0]} / lost {t2[1]}   win rate {_pct(t2[2])}   avg deal {_money(t2[3])}"
    )
    lines.append(
        f"          quota attainment {_pct(t2[4])} (median rep {_pct(t2[5])}, {_pct(t2[6])} of reps at 100%+)"
    )
    lines.append(
        f"          commit close rate {_pct(t2[7])}   forecast accuracy {_num(t2[8], '', 2)}"
    )
    lines.append(
        f"  Tier 3  lead response {_num(t3[0], ' min', 0)}   sales cycle {_num(t3[1], ' d')}"
        f"   time in stage {_num(t3[2], ' d')}   stage conversion {_pct(t3[3])}"
    )
    lines.append(
        f"          velocity {_money(t3[4])}/day   coverage {_num(t3[5], 'x')}   slipped {_pct(t3[6])}"
        f"   interaction value {_money(t3[7])}   account reach {_pct(t3[8])}   engagement {_pct(t3[9])}"
    )
    if has_quality:
        lines.append(
            f"Data quality, same quarter: {quality[0]:,} stage changes, manual-skip rate {_pct(quality[1])},"
            f" batch-logged rate {_pct(quality[2])}."
        )
        if worst:
            lines.append("  Least trustworthy stage data (read their Tier 3 numbers with care):")
            for name, team, skip_rate, batch_rate, transitions, rating in worst:
                lines.append(
                    f"    {name} ({team}): manual skips {_pct(skip_rate)}, batch-logged {_pct(batch_rate)}"
                    f" of {transitions} changes, {rating}"
                )
    return lines
