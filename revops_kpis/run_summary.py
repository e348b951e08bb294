"""The summary printed at the end of a run: what was loaded and quarantined, the funnel
in use, the as-of date, the currencies and the amounts that could not be converted, and
where the results are."""

from __future__ import annotations

from pathlib import Path

import duckdb

from revops_kpis.export_spec import CRM_CONTRACTS, CrmContract, load_spec
from revops_kpis.formatting import money, number, rate


def _rows(connection: duckdb.DuckDBPyConnection, sql: str, parameters: list | None = None) -> list[tuple]:
    return connection.execute(sql, parameters or []).fetchall()


def _table_exists(connection: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    found = connection.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchall()
    return found[0][0] > 0


def build_crm(connection: duckdb.DuckDBPyConnection) -> CrmContract:
    """The CRM a build read, from the build itself (so `revops-kpis summary` needs no flag):
    the one whose contract names the objects of its row accounting (a Salesforce build counts
    Opportunity, a HubSpot build deal)."""
    if not _table_exists(connection, "staging", "stg_crm__row_accounting"):
        return CRM_CONTRACTS["salesforce"]
    names = {name for (name,) in _rows(connection, "select distinct object_name from staging.stg_crm__row_accounting")}
    return max(CRM_CONTRACTS.values(), key=lambda contract: len(names & set(load_spec(crm=contract.crm))))


def format_run_summary(
    duckdb_path: Path, export_path: Path, absent_objects: list[str] | None = None, currency: str | None = None
) -> str:
    """Reads the built warehouse file and returns the summary text. Amounts are printed in
    `currency` (the run's var corporate_currency), else in the build's (reporting_currency)."""
    absent = set(absent_objects or [])
    with duckdb.connect(str(duckdb_path), read_only=True) as connection:
        crm = build_crm(connection)
        as_of, as_of_source = _rows(connection, "select as_of, as_of_source from staging.stg_crm__export_as_of")[0]
        accounting = _rows(
            connection,
            """
            select object_name, raw_row_count, staged_row_count, deleted_row_count,
                   duplicate_row_count, quarantined_row_count
            from staging.stg_crm__row_accounting
            """,
        )
        reasons = _rows(
            connection,
            """
            select object_name, quarantine_reason, count(*) as row_count
            from staging.stg_crm__quarantine
            group by object_name, quarantine_reason
            order by object_name, row_count desc, quarantine_reason
            """,
        )
        funnel = _rows(
            connection,
            """
            select stage_name, is_closed, is_won, funnel_source
            from staging.stg_crm__stage_funnel
            order by stage_order
            """,
        )
        inferred = _rows(
            connection,
            """
            with stage_rows as (
                select stage_name, opportunity_id, 1 as opportunity_row, 0 as history_row
                from staging.stg_crm__opportunities
                union all
                select stage_name, opportunity_id, 0 as opportunity_row, 1 as history_row
                from staging.stg_crm__opportunity_history
            )
            select
                funnel.stage_name, funnel.is_closed, funnel.is_won, funnel.default_probability_rate,
                funnel.is_skippable, coalesce(sum(stage_rows.opportunity_row), 0),
                coalesce(sum(stage_rows.history_row), 0), count(distinct stage_rows.opportunity_id)
            from staging.stg_crm__stage_funnel as funnel
            left join stage_rows on funnel.stage_name = stage_rows.stage_name
            where funnel.is_inferred_stage
            group by all
            order by min(funnel.stage_order)
            """,
        )
        has_marts = _table_exists(connection, "marts", "rpt_kpi_tier1_outcomes")
        currency_lines = format_currency_summary(connection)
        back_dated_lines = format_back_dated_closes(connection)

    lines = [f"CRM export: {export_path} ({crm.label})"]
    as_of_text = as_of.strftime("%Y-%m-%d %H:%M UTC") if as_of else "unknown (no timestamps in the export)"
    lines.append(f"As of:      {as_of_text} ({'set by the as_of var' if as_of_source == 'var' else 'latest event in the export'})")

    lines.extend(format_stage_order(funnel, inferred, crm))
    lines.append("")

    header = f"  {crm.record_word:<24}{'raw':>9}{'staged':>9}{'deleted':>9}{'duplicate':>11}{'quarantined':>13}"
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
    if currency_lines:
        lines.append("")
        lines.extend(currency_lines)
    if back_dated_lines:
        lines.append("")
        lines.extend(back_dated_lines)
    gaps = format_export_gaps(duckdb_path, crm)
    if gaps:
        lines.append("")
        lines.extend(gaps)
    if has_marts:
        lines.append("")
        lines.extend(format_kpi_summary(duckdb_path, currency))
        with duckdb.connect(str(duckdb_path), read_only=True) as connection:
            backtest_lines = format_forecast_backtest(connection)
        if backtest_lines:
            lines.append("")
            lines.extend(backtest_lines)
    lines.append("")
    lines.append(f"Results: {duckdb_path}")
    lines.append("  staging.stg_crm__*                 the CRM's clean objects in one shape, whichever CRM it is")
    what = "clean objects, one view per Salesforce object" if crm.crm == "salesforce" else (
        f"clean rows, one view per {crm.label} entity (deals, stage entries, owners, ...)")
    lines.append(f"  {'staging.stg_' + crm.crm + '__*':<35}{what}")
    lines.append("  staging.stg_crm__quarantine        rows that could not be cleaned (keys and reasons)")
    if has_marts:
        lines.append("  marts.rpt_kpi_tier1_outcomes, rpt_kpi_tier2_diagnostics, rpt_kpi_tier3_levers,")
        lines.append("  marts.rpt_rep_scorecard, rpt_stage_conversion, rpt_time_in_stage, rpt_loss_reasons")
        lines.append("                                     KPIs per rep, team and company, week, month, quarter, year")
        lines.append("  marts.dim_*, marts.fct_*           deals, reps, accounts, transitions, visits, interactions, leads")
        lines.append("  marts.dq_stage_progression, rpt_data_quality   flagged stage changes, trust per rep")
        lines.append("  marts.rpt_forecast, rpt_forecast_backtest(_summary)  the forecast per week and its backtest")
    return "\n".join(lines)


def format_stage_order(funnel: list[tuple], inferred: list[tuple], crm: CrmContract | None = None) -> list[str]:
    """The funnel in use, where it came from, and the stages inferred from the rows (marked *):
    funnel rows are (stage_name, is_closed, is_won, funnel_source) in stage order; inferred rows
    (stage_name, is_closed, is_won, probability_rate, is_skippable, opportunity rows, history
    rows, deals). `stage_object` names the export's stage definitions (Salesforce's
    OpportunityStage object, HubSpot's deal_pipeline_stage table)."""
    def shown(name: str, source: str) -> str:
        return f"{name}*" if source == "inferred" else name

    open_stages = [shown(name, source) for name, is_closed, _, source in funnel if not is_closed]
    won = [shown(name, source) for name, is_closed, is_won, source in funnel if is_closed and is_won]
    lost = [shown(name, source) for name, is_closed, is_won, source in funnel if is_closed and not is_won]
    order = " > ".join(open_stages + won) + (f"  (lost: {', '.join(lost)})" if lost else "")
    defined = {source for *_, source in funnel if source != "inferred"}
    if "stage_definitions" in defined and crm is not None and crm.crm == "hubspot":
        source_text = "from the export's deal_pipeline_stage table (the pipeline of var hubspot_pipeline_id)"
    elif "stage_definitions" in defined:
        source_text = "from the export's OpportunityStage object"
    elif "seed" in defined:
        source_text = "from the seed stage_order (the Salesforce default stages the export uses)"
    elif funnel:
        source_text = (
            "INFERRED from the export (no OpportunityStage object, and the export uses none of the stages "
            "in the seed stage_order): check it, and export OpportunityStage or put your stages in "
            "seeds/stage_order.csv"
        )
    else:
        source_text = "(none: the export records no stage)"
    lines = [f"Stage order {source_text}:", f"  {order}"]
    if inferred and defined:
        lines.append(
            f"  * {len(inferred)} stage(s) in the rows but not in the stage definitions in use, inferred "
            "from the rows and kept (no row is dropped for its stage):"
        )
        for name, is_closed, is_won, probability, _, opportunity_rows, history_rows, deals in inferred:
            if is_closed:
                how = "closed won" if is_won else "closed lost"
            elif probability is None:
                how = "open, after the last defined open stage (no probability recorded)"
            else:
                how = f"open, placed by its recorded probability of {100 * float(probability):.0f}%"
            lines.append(
                f"    {name}: {opportunity_rows:,} opportunity and {history_rows:,} history rows on {deals:,} "
                f"deal(s); {how}"
            )
        if any(not is_closed and not skippable for _, is_closed, _, _, skippable, *_ in inferred):
            lines.append("    Passing over an inferred stage is not counted as a skip.")
        lines.append("    To define them: export OpportunityStage, or add them to seeds/stage_order.csv.")
    return lines


def _by_currency(rows: list[tuple]) -> str:
    return ", ".join(f"{code} {count:,}" for code, count in rows)


def format_currency_summary(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """The currencies in use and the amounts that could not be converted (no rate for the
    currency on the date), which the money KPIs leave out: never a silent gap."""
    if not _table_exists(connection, "intermediate", "int_currency_rates_dated"):
        return []
    deal_currencies = _rows(
        connection,
        "select currency_code, count(*) from staging.stg_crm__opportunities group by 1 order by 2 desc, 1",
    )
    rates = _rows(
        connection,
        """
        select currency_code, count(*), min(valid_from) = date '0001-01-01' and max(valid_to) = date '9999-12-31'
        from intermediate.int_currency_rates_dated group by 1 order by 1
        """,
    )
    reporting = _rows(connection, _REPORTING_CURRENCIES)
    lines: list[str] = []
    if len(deal_currencies) > 1 or len(rates) > 1:
        dated = [code for code, count, all_time in rates if not all_time or count > 1]
        static = [
            code for code, count, all_time in rates if all_time and count == 1 and (code,) not in reporting
        ]
        lines.append(
            f"Currencies: deals in {_by_currency(deal_currencies)}; amounts reported in "
            f"{', '.join(c for (c,) in reporting) or '?'} (var corporate_currency); rates"
            + (f" by date for {', '.join(dated)}" if dated else "")
            + (f"{';' if dated else ''} over all dates for {', '.join(static)}" if static else "")
            + "."
        )
    unconverted_deals: list[tuple] = []
    if _table_exists(connection, "intermediate", "int_opportunity_outcomes"):
        unconverted_deals = _rows(
            connection,
            """
            select currency_code, count(*) from intermediate.int_opportunity_outcomes
            where is_missing_conversion_rate group by 1 order by 2 desc, 1
            """,
        )
    unconverted_pipeline: list[tuple] = []
    if _table_exists(connection, "intermediate", "int_pipeline_at_period_start"):
        unconverted_pipeline = _rows(
            connection,
            """
            select currency_code, count(distinct opportunity_id) from intermediate.int_pipeline_at_period_start
            where amount_in_deal_currency is not null and amount is null group by 1 order by 2 desc, 1
            """,
        )
    # the quota rows whose currency has no rate on their start date (as int_quota_by_period joins)
    unconverted_quotas = _rows(
        connection,
        """
        select quotas.currency_code, count(*)
        from staging.stg_crm__quotas as quotas
        left join intermediate.int_currency_rates_dated as rates
            on quotas.currency_code = rates.currency_code
            and quotas.start_date >= rates.valid_from and quotas.start_date < rates.valid_to
        where rates.currency_code is null and quotas.quota_amount is not null
        group by 1 order by 2 desc, 1
        """,
    )
    if unconverted_deals or unconverted_pipeline or unconverted_quotas:
        lines.append("AMOUNTS THAT COULD NOT BE CONVERTED (no rate for the currency on the date):")
        if unconverted_deals:
            total = sum(count for _, count in unconverted_deals)
            lines.append(
                f"  {total:,} deals ({_by_currency(unconverted_deals)}): their amounts are left out of the "
                f"money KPIs (bookings, won and lost amounts, average deal size, velocity, quota attainment, NRR);"
            )
            lines.append(
                "    they still count as deals (won_unknown_amount_count next to won_count; "
                "dim_opportunities.is_missing_conversion_rate lists them)"
            )
        if unconverted_pipeline:
            total = sum(count for _, count in unconverted_pipeline)
            lines.append(
                f"  {total:,} deals open at a period start ({_by_currency(unconverted_pipeline)}): left out of "
                f"pipeline, commit and coverage amounts of those periods (pipeline_unknown_amount_count)"
            )
        if unconverted_quotas:
            total = sum(count for _, count in unconverted_quotas)
            lines.append(
                f"  {total:,} quota rows ({_by_currency(unconverted_quotas)}): left out of quota_amount"
            )
        has_currency_types = _rows(connection, "select count(*) from staging.stg_crm__currency_types")[0][0] > 0
        lines.append(
            "  Fix: check those records' currency codes (and the var corporate_currency); if the org has "
            "the currency, export CurrencyType again with it."
            if has_currency_types
            else "  Fix: add CurrencyType to the export (every multi-currency org has it), and "
            "DatedConversionRate if advanced currency management is on."
        )
    return lines


def format_back_dated_closes(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """Closed deals whose CloseDate and stage history disagree (dim_opportunities.is_back_dated_close):
    how many of the closed deals, and how many of them have a CloseDate before their creation
    (deals loaded after the fact). Nothing when none is, or when the marts were not built."""
    if not _table_exists(connection, "marts", "dim_opportunities"):
        return []
    closed, back_dated, before_creation = _rows(
        connection,
        """
        select
            count(*),
            count(*) filter (where is_back_dated_close),
            count(*) filter (where is_back_dated_close and expected_close_date < created_date)
        from marts.dim_opportunities
        where is_closed
        """,
    )[0]
    if not back_dated:
        return []
    return [
        f"Back-dated closes: {back_dated:,} of {closed:,} closed deals have a CloseDate and a stage history that"
        f" disagree ({before_creation:,} with a CloseDate before the deal was created; the others closed in the"
        " stage history more than var back_dated_close_tolerance_days days from their CloseDate).",
        "  They count in the period of their CloseDate (var outcome_date_source); rpt_data_quality counts them"
        " per rep, team and period (back_dated_close_count), dim_opportunities.is_back_dated_close lists them.",
    ]


def format_forecast_backtest(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """The backtested accuracy of the forecast per grain and period grain, over every forecast
    date of the closed periods (rpt_forecast_backtest_summary): the model's mean absolute
    percentage error against the Commit call's, and the share of actuals inside P10-P90; then
    the scored forecasts (slip rates, new deals and spread learnt from history) and their share
    inside P10-P90. Nothing when the table was not built or holds no closed period."""
    if not _table_exists(connection, "marts", "rpt_forecast_backtest_summary"):
        return []
    rows = _rows(
        connection,
        """
        select grain, period_grain, forecast_count, expected_mape_rate, commit_mape_rate, in_band_rate,
               learnt_forecast_count, learnt_in_band_rate
        from marts.rpt_forecast_backtest_summary
        where forecast_point = 'all_forecast_dates'
        order by
            case grain when 'company' then 0 when 'team' then 1 else 2 end,
            case period_grain when 'week' then 0 when 'month' then 1 when 'quarter' then 2 else 3 end
        """,
    )
    if not rows:
        return []
    lines = [
        "Forecast backtest (closed periods, forecasts at each period and week start; calibrated: about 80% in P10-P90):",
        f"  {'grain':<9}{'period':<9}{'forecasts':>10}{'model MAPE':>12}{'Commit MAPE':>13}{'in P10-P90':>12}"
        f"{'scored':>8}{'scored in band':>16}",
    ]
    for grain, period_grain, forecasts, model_mape, commit_mape, in_band, scored, scored_in_band in rows:
        lines.append(
            f"  {grain:<9}{period_grain:<9}{forecasts:>10,}{rate(model_mape):>12}{rate(commit_mape):>13}"
            f"{rate(in_band):>12}{scored:>8,}{rate(scored_in_band):>16}"
        )
    return lines


# the CRM's names of what format_export_gaps talks about: the deal owner column, the deal
# file, the owner-change history, the users' object, the lead creation column and file
_GAP_NAMES = {
    "salesforce": {"owner": "OwnerId on Opportunity", "owner_changes": "OpportunityFieldHistory",
                   "users": "User", "users_text": "no User object", "lead_created": "CreatedDate on Lead"},
    "hubspot": {"owner": "owner_id on deal", "owner_changes": "deal_property_history (hubspot_owner_id)",
                "users": "owner", "users_text": "no owner table", "lead_created": "property_createdate on contact"},
}


def format_export_gaps(duckdb_path: Path, crm: CrmContract | None = None) -> list[str]:
    """What the export lacks that empties or changes rows of the KPI tables, read from the
    build itself (so `revops-kpis summary` says it too): deals without owners (no OwnerId on
    Opportunity: a blank one is quarantined, so staged deals without an owner mean the column
    is absent), no users, leads without creation times; in the CRM's names."""
    names = _GAP_NAMES[(crm or CRM_CONTRACTS["salesforce"]).crm]
    lines: list[str] = []
    with duckdb.connect(str(duckdb_path), read_only=True) as connection:
        if _table_exists(connection, "staging", "stg_crm__opportunities"):
            deals, owned = _rows(
                connection, "select count(*), count(owner_id) from staging.stg_crm__opportunities"
            )[0]
            if deals > 0 and owned == 0:
                spans_owned = 0
                if _table_exists(connection, "intermediate", "int_opportunity_owners_historized"):
                    spans_owned = _rows(
                        connection, "select count(owner_id) from intermediate.int_opportunity_owners_historized"
                    )[0][0]
                if spans_owned == 0:
                    lines.append(
                        f"The export has no {names['owner']}: rep and team rows are empty (no deal has an "
                        "owner); the company rows count every deal."
                    )
                else:
                    lines.append(
                        f"The export has no {names['owner']}: rep and team rows hold only the deals whose "
                        f"owner changed ({names['owner_changes']} names the new owner); the company rows count "
                        "every deal."
                    )
        if _table_exists(connection, "staging", "stg_crm__users"):
            # people, whichever CRM named them (Salesforce User, HubSpot owner); automation users
            # listed in the seed or the var are no export of users
            users = _rows(
                connection,
                "select coalesce(sum(staged_row_count), 0) from staging.stg_crm__row_accounting "
                "where object_name = ?", [names["users"]],
            )[0][0]
            if users == 0:
                lines.append(
                    f"The export has no users ({names['users_text']}): reps are named by their user id, all in the team "
                    "'unassigned' (No manager), and automation users are only those listed in the seed "
                    "automation_users or the var automation_user_ids."
                )
        if _table_exists(connection, "staging", "stg_crm__leads"):
            leads, dated = _rows(connection, "select count(*), count(created_at) from staging.stg_crm__leads")[0]
            if leads > 0 and dated == 0:
                lines.append(
                    f"The export has no {names['lead_created']}: lead response time and the lead counts are unknown "
                    "(null)."
                )
    return lines


def _complete_retention(connection: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Logo and net revenue retention of the company, each of the latest fiscal quarter whose
    base and forward windows are both complete (the table flags them), with that quarter's
    start: a rate over a window that is not over, or that the export does not cover, is partial
    and never printed."""
    shown = {}
    for key, rate_column, flags in [
        ("logo", "logo_retention_rate", "is_retention_window_complete and is_retention_base_window_complete"),
        ("nrr", "net_revenue_retention_rate", "is_nrr_window_complete and is_nrr_base_window_complete"),
    ]:
        rows = _rows(
            connection,
            f"select period_start, {rate_column} from marts.rpt_kpi_tier1_outcomes "
            f"where grain = 'company' and period_grain = 'quarter' and {flags} "
            "order by period_start desc limit 1",
        )
        shown[key] = f"{rate(rows[0][1])} (quarter from {rows[0][0]})" if rows else "n/a (no complete window)"
    return shown


def reporting_currency(connection: duckdb.DuckDBPyConnection) -> str:
    """The currency the amounts of a build are in (var corporate_currency): the one currency
    int_currency_rates_dated converts at 1 over all dates; when the build cannot tell (no
    such table, or more than one currency at 1), the var's value in the project's
    dbt_project.yml."""
    if _table_exists(connection, "intermediate", "int_currency_rates_dated"):
        found = _rows(connection, _REPORTING_CURRENCIES)
        if len(found) == 1:
            return found[0][0]
    return str(_project_vars().get("corporate_currency", "USD"))


_REPORTING_CURRENCIES = (
    "select currency_code from intermediate.int_currency_rates_dated "
    "where conversion_rate = 1 and valid_from = date '0001-01-01' "
    "and valid_to = date '9999-12-31' order by 1"
)


def _project_vars() -> dict:
    import yaml

    from revops_kpis.export_spec import project_dir

    try:
        return (yaml.safe_load((project_dir() / "dbt_project.yml").read_text(encoding="utf-8")) or {}).get(
            "vars") or {}
    except (OSError, yaml.YAMLError):
        return {}


def format_kpi_summary(duckdb_path: Path, currency: str | None = None) -> list[str]:
    """The company scorecard of the latest complete fiscal quarter (tiers 1-3) and the
    data-quality headline: the manual-skip rate, the reps whose stage data is least
    trustworthy (with the changes their rating rests on) and the data-quality findings."""
    with duckdb.connect(str(duckdb_path), read_only=True) as connection:
        as_of_date = _rows(connection, "select cast(as_of as date) from staging.stg_crm__export_as_of")[0][0]
        currency = currency or reporting_currency(connection)
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
            "quota_attainment_median_rate, reps_at_or_above_quota_rate, commit_close_rate, forecast_accuracy_rate, "
            "won_unknown_amount_count, quota_pace_rate, period_elapsed_share",
        )
        t3 = company(
            "rpt_kpi_tier3_levers",
            "median_lead_response_minutes, median_sales_cycle_days, median_days_in_stage, stage_conversion_rate, "
            "sales_velocity_per_day_amount, pipeline_coverage_ratio, slipped_rate, avg_interaction_value_amount, "
            "account_reach_rate, account_engagement_rate",
        )
        retention = _complete_retention(connection)
        has_quality = _table_exists(connection, "marts", "rpt_data_quality")
        if has_quality:
            quality = company(
                "rpt_data_quality",
                "transition_count, manual_skip_rate, batch_logged_rate, trust_rating, trust_transition_count",
            )
            worst = _rows(
                connection,
                f"""
                select reps.rep_name, reps.team_name, quality.manual_skip_rate, quality.batch_logged_rate,
                       quality.transition_count, quality.trust_rating, quality.trust_transition_count,
                       quality.trust_window_start_date, quality.trust_manual_skip_rate,
                       quality.trust_batch_logged_rate
                from marts.rpt_data_quality as quality
                inner join marts.dim_reps as reps on quality.grain_id = reps.rep_id
                where quality.grain = 'rep' and quality.period_grain = 'quarter'
                    and quality.period_start = date '{start}' and quality.trust_transition_count > 0
                order by
                    case quality.trust_rating when 'untrusted' then 0 when 'review' then 1 else 2 end,
                    quality.trust_manual_skip_rate + quality.trust_batch_logged_rate desc,
                    reps.rep_name
                limit 3
                """,
            )
            findings = format_data_quality_findings(connection)
    complete = "latest complete quarter" if end <= as_of_date else "quarter in progress"
    lines = [f"Company scorecard, fiscal quarter {start} to {end} ({complete}):"]
    lines.append(
        f"  Tier 1  bookings {money(t1[0], currency)}   revenue per rep {money(t1[1], currency)}"
        f"   logo retention {retention['logo']}   net revenue retention {retention['nrr']}   renewal rate {rate(t1[4])}"
    )
    lines.append(
        f"  Tier 2  won {t2[0]} / lost {t2[1]}   win rate {rate(t2[2])}   avg deal {money(t2[3], currency)}"
        + (
            f"   ({t2[9]} won deal{'s' if t2[9] != 1 else ''} of unknown amount: left out of every amount and average)"
            if t2[9]
            else ""
        )
    )
    # attainment is of the full quota; in a quarter still running, the pace says whether it is on track
    pace = (
        f"; pace {rate(t2[10])} with {rate(t2[11])} of the quarter gone" if end > as_of_date else ""
    )
    lines.append(
        f"          quota attainment {rate(t2[4])} (median rep {rate(t2[5])}, {rate(t2[6])} of reps at 100%+){pace}"
    )
    lines.append(
        f"          commit close rate {rate(t2[7])}   forecast accuracy {rate(t2[8])}"
    )
    lines.append(
        f"  Tier 3  lead response {number(t3[0], ' min', 0)}   sales cycle {number(t3[1], ' d')}"
        f"   time in stage {number(t3[2], ' d')}   stage conversion {rate(t3[3])}"
    )
    lines.append(
        f"          velocity {money(t3[4], currency, '/day')}   coverage {number(t3[5], 'x')}   slipped {rate(t3[6])}"
        f"   interaction value {money(t3[7], currency)}   account reach {rate(t3[8])}   engagement {rate(t3[9])}"
    )
    if has_quality:
        lines.append(
            f"Data quality, same quarter: {quality[0]:,} stage changes, manual-skip rate {rate(quality[1])},"
            f" batch-logged rate {rate(quality[2])}; the company is rated {quality[3]} on {quality[4]:,} changes."
        )
        if worst:
            lines.append(
                "  Least trustworthy stage data (read their Tier 3 numbers with care; a rating rests on the"
                " changes of its trailing window):"
            )
            for (name, team, skip_rate, batch_rate, transitions, rating, rated_on, since, rated_skip_rate,
                 rated_batch_rate) in worst:
                lines.append(
                    f"    {name} ({team}): {rating} on {rated_on} changes since {since}: manual skips"
                    f" {rate(rated_skip_rate)}, batch-logged {rate(rated_batch_rate)}"
                    f" (in the quarter {rate(skip_rate)} and {rate(batch_rate)} of {transitions})"
                )
        lines.extend(findings)
    return lines


# the data-quality threshold tests, their stored failures and what they measure
_THRESHOLD_TESTS = (
    ("error_when_manual_skip_rate_exceeds_threshold", "manual_skip", "manual-skip"),
    ("error_when_batch_logged_rate_exceeds_threshold", "batch_logged", "batch-logged"),
)
_MAX_FINDINGS = 10


def format_data_quality_findings(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """The rows of the two data-quality threshold tests, as the build stored them
    (test_failures.*): which reps, teams or the company are above which threshold, one line
    each with their latest period above it, the window's rate and how many changes it rests
    on. The same rows the tests warn (or, at severity error, fail) on."""
    minimum = _rows(connection, "select max(min_transitions_for_rating) from marts.rpt_data_quality")[0][0]
    lines = [f"  Data-quality thresholds (rates over each period's trust window, judged on {minimum}+ changes):"]
    found = False
    for test, measure, label in _THRESHOLD_TESTS:
        if not _table_exists(connection, "test_failures", test):
            lines.append(f"    {label} rate: not tested in this build ({test} did not run)")
            continue
        rows = _rows(
            connection,
            f"""
            with ranked as (
                select
                    *,
                    count(*) over (partition by grain, grain_id) as period_count,
                    row_number() over (
                        partition by grain, grain_id
                        order by period_start desc,
                            case period_grain when 'month' then 0 when 'quarter' then 1 else 2 end
                    ) as recency
                from test_failures.{test}
            )
            select grain, grain_name, team_name, period_grain, period_start, trust_{measure}_rate,
                   trust_{measure}_count, trust_transition_count, {measure}_rate_threshold, period_count
            from ranked
            where recency = 1
            order by case grain when 'rep' then 0 when 'team' then 1 else 2 end,
                trust_{measure}_rate desc, grain_name
            """,
        )
        if not rows:
            lines.append(f"    {label} rate: nobody above the threshold")
            continue
        found = True
        periods = sum(row[9] for row in rows)
        lines.append(
            f"    {label} rate above {rate(rows[0][8])}: {len(rows)} rep(s), team(s) or company, in {periods}"
            f" period(s) (all in test_failures.{test}):"
        )
        for grain, name, team, period_grain, period_start, window_rate, count, changes, _, period_count in (
                rows[:_MAX_FINDINGS]):
            who = f"{name} ({team})" if grain == "rep" and team else name
            lines.append(
                f"      {who}: {rate(window_rate)} ({count} of {changes} changes) in the window of the {period_grain}"
                f" starting {period_start}; above in {period_count} period(s)"
            )
        if len(rows) > _MAX_FINDINGS:
            lines.append(f"      ... and {len(rows) - _MAX_FINDINGS} more")
    if found:
        lines.append("    Whom to ask and what to do: the what_to_do column of those tables.")
    return lines
