"""One small org written by four real tools builds the same marts, on the first run, with the
numbers worked out by hand.

The fixtures (`tests/fixtures/exports/real_tools/`, written by `write_fixtures.py` there):
Data Loader (API picklist values, Opportunity.ForecastCategory instead of the label field), the
Data Export Service (ISO-8859-1, CRLF, every field, the empty id 000000000000000AAA, a NUL byte in
a rich-text field, a header-only optional file whose header lacks required columns), Excel
re-saving the Data Loader files in a US locale (Windows-1252, m/d/yyyy h:mm, TRUE/FALSE) and
report exports (labels, MM/DD/YYYY hh:mm AM in America/New_York, a BOM, one Latin-1 line in a
UTF-8 file). Each is run with `revops-kpis run` as a user would, no options but the time zone of
the report exports.

The org, by hand (as of 2025-07-01 00:00 UTC, fiscal year = calendar year):
- Q1 2025: won O1 (Ana, 10,000, CloseDate 2025-02-14), lost O2 (Ana, 5,000): won 1, lost 1,
  bookings 10,000, win rate 1 / 2 = 0.5.
- Q2 2025: won O3 (Bjorn, 20,000, 2025-04-15) and O5 (Ana, 7,500, 2025-05-30): won 2, lost 0,
  bookings 27,500, average deal 27,500 / 2 = 13,750.
- Commit at the start of Q2 (2025-04-01 00:00): O3 (Forecast = Commit since 2025-03-20, closes
  2025-04-15) and O4 (Commit since 2025-03-25, closes 2025-06-20), both Bjorn's: 2 deals, 28,000;
  O3 won in Q2: commit close rate 1 / 2 = 0.5, by amount 20,000 / 28,000.
- Stage changes: 19 history rows = 6 creations + 5 forward moves (O1 and O2 Prospecting ->
  Qualification, O3 Prospecting -> Qualification -> Needs Analysis -> Value Proposition) + 4 skips
  (O1 Qualification -> Proposal/Price Quote, O3 Value Proposition -> Negotiation/Review, O4
  Qualification -> Negotiation/Review, O5 Prospecting -> Value Proposition) + 3 closed won + 1
  closed lost.
- Claire Dubois has no manager (blank, or the empty id): Ana's and Bjorn's team is Claire's.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from dbt_helpers import FIXTURES, query
from revops_kpis.cli import main

REAL_TOOLS = FIXTURES / "real_tools"
VARIANTS = {
    "data_loader": {},
    "data_export_service": {},
    "excel_us": {},
    "report_us": {"crm_export_timezone": "America/New_York"},
}
ANA, BJORN, CLAIRE = "005000000000001AAA", "005000000000002AAA", "005000000000003AAA"
PUBLIC_KPI_TABLES = [
    "rpt_kpi_tier1_outcomes", "rpt_kpi_tier2_diagnostics", "rpt_kpi_tier3_levers", "rpt_rep_scorecard",
    "rpt_stage_conversion", "rpt_time_in_stage", "rpt_loss_reasons", "rpt_data_quality",
    "dq_stage_progression", "fct_stage_transitions", "fct_stage_visits", "dim_opportunities", "dim_reps",
]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """variant -> (exit code, output, DuckDB file), each built once with the command line."""
    results = {}
    for variant, extra in VARIANTS.items():
        work = tmp_path_factory.mktemp(variant)
        duckdb_path = work / "warehouse.duckdb"
        variables = {"as_of": "2025-07-01T00:00:00Z", **extra}
        capture = work / "output.txt"
        import contextlib
        import io

        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            code = main([
                "run", "--export", str(REAL_TOOLS / variant), "--duckdb", str(duckdb_path),
                "--vars", str(variables),
            ])
        capture.write_text(out.getvalue())
        results[variant] = (code, out.getvalue(), duckdb_path)
    return results


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_builds_on_the_first_run_without_quarantine(runs, variant):
    code, out, duckdb_path = runs[variant]
    assert code == 0, out
    accounting = dict(query(duckdb_path, "select object_name, staged_row_count from staging.stg_crm__row_accounting"))
    assert accounting["Opportunity"] == 6 and accounting["OpportunityHistory"] == 19
    assert accounting["User"] == 3 and accounting["Account"] == 3
    assert query(duckdb_path, "select count(*) from staging.stg_crm__quarantine") == [(0,)]


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_won_lost_bookings_and_commit_by_hand(runs, variant):
    _code, _out, duckdb_path = runs[variant]
    rows = query(duckdb_path, """
        select period_start::varchar, won_count, lost_count, won_amount, win_rate, avg_deal_size_amount,
               commit_deal_count, commit_won_count, commit_amount, commit_won_amount, commit_close_rate
        from marts.rpt_kpi_tier2_diagnostics
        where grain = 'company' and period_grain = 'quarter' and period_start in ('2025-01-01', '2025-04-01')
        order by period_start
    """)
    assert rows == [
        ("2025-01-01", 1, 1, Decimal("10000.00"), 0.5, 10000.0, 0, 0, Decimal("0.00"), Decimal("0.00"), None),
        ("2025-04-01", 2, 0, Decimal("27500.00"), 1.0, 13750.0, 2, 1, Decimal("28000.00"), Decimal("20000.00"), 0.5),
    ]
    reps = query(duckdb_path, """
        select grain_id, won_count, won_amount, commit_deal_count from marts.rpt_kpi_tier2_diagnostics
        where grain = 'rep' and period_grain = 'quarter' and period_start = '2025-04-01' order by grain_id
    """)
    assert reps == [(ANA, 1, Decimal("7500.00"), 0), (BJORN, 1, Decimal("20000.00"), 2)]


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_stage_changes_by_hand(runs, variant):
    _code, _out, duckdb_path = runs[variant]
    counts = dict(query(duckdb_path, "select transition_type, count(*) from marts.fct_stage_transitions group by 1"))
    assert counts == {"created": 6, "forward": 5, "skip": 4, "closed_won": 3, "closed_lost": 1}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_names_and_the_empty_manager_id(runs, variant):
    _code, _out, duckdb_path = runs[variant]
    reps = query(duckdb_path, "select rep_id, rep_name, team_id from marts.dim_reps order by rep_id")
    assert reps == [(ANA, "Ana Müller", CLAIRE), (BJORN, "Björn Ødegård", CLAIRE)]
    names = {row[0] for row in query(duckdb_path, "select account_name from marts.dim_accounts")}
    assert names == {"Société Générale Test", "Müller & Söhne GmbH", "Acme, Inc."}
    teams = {row[0] for row in query(duckdb_path, "select distinct grain_id from marts.rpt_kpi_tier2_diagnostics where grain = 'team'")}
    assert teams == {CLAIRE}


@pytest.mark.parametrize("variant", [v for v in VARIANTS if v != "data_loader"])
def test_every_variant_builds_the_same_marts(runs, variant):
    import duckdb

    reference = runs["data_loader"][2]
    connection = duckdb.connect()
    connection.execute(f"attach '{reference}' as a (read_only)")
    connection.execute(f"attach '{runs[variant][2]}' as b (read_only)")
    for table in PUBLIC_KPI_TABLES:
        # doubles to 9 decimals: two builds of one export may differ in their last bits (the
        # order DuckDB sums in), which says nothing about the export
        columns = ", ".join(
            f'round("{name}", 9)' if kind == "DOUBLE" else f'"{name}"'
            for name, kind in connection.execute(
                "select column_name, data_type from duckdb_columns() "
                f"where database_name = 'a' and schema_name = 'marts' and table_name = '{table}' order by column_index"
            ).fetchall()
        )
        for left, right in (("a", "b"), ("b", "a")):
            extra = connection.execute(
                f"select count(*) from (select {columns} from {left}.marts.{table} "
                f"except all select {columns} from {right}.marts.{table})"
            ).fetchone()[0]
            assert extra == 0, f"{table}: {extra} rows of {left} not in {right}"


def test_what_the_run_says_it_did(runs):
    out = runs["data_export_service"][1]
    assert "Opportunity.csv: 2 line(s) are not UTF-8" in out
    assert "read as Windows-1252 (Latin-1) and converted to UTF-8" in out
    assert "Account.csv holds 1 NUL byte(s) (the first on line 3)" in out
    assert "ForecastingQuota.csv: a header without rows: read as no ForecastingQuota rows." in out
    report = runs["report_us"][1]
    assert "Account.csv: 1 line(s) are not UTF-8 (the first is line 3)" in report
    assert "read as US (month/day/year)" in report
    excel = runs["excel_us"][1]
    assert "OpportunityHistory.csv: 38 dates in `CreatedDate`, `CloseDate` read as US (month/day/year)" in excel


def test_the_report_footer_is_dropped_and_no_row_lost(runs):
    # every report_us file ends with the footer Salesforce writes below a report's rows; the run
    # says, file by file, that its 5 lines are dropped, and dbt lands every row above it
    import csv

    from dbt_helpers import split_report_footer

    _code, out, duckdb_path = runs["report_us"]
    raw = dict(query(duckdb_path, "select object_name, raw_row_count from staging.stg_crm__row_accounting"))
    for name in ("User", "Account", "Opportunity", "OpportunityHistory"):
        with (REAL_TOOLS / "report_us" / f"{name}.csv").open(newline="", encoding="latin-1") as handle:
            rows, footer = split_report_footer(list(csv.reader(handle)))
        assert len(footer) == 5
        assert f"{name}.csv: the Salesforce report footer below its rows (5 lines, lines {len(rows) + 1}-" in out
        assert f"the {len(rows) - 1} data rows above it are read." in out
        assert raw[name] == len(rows) - 1  # the header is no row
    # the org of the fixture: three users, three accounts, six deals, nineteen stage changes
    assert [raw[name] for name in ("User", "Account", "Opportunity", "OpportunityHistory")] == [3, 3, 6, 19]


def test_prepared_copies_sit_beside_the_warehouse(runs):
    duckdb_path = Path(runs["report_us"][2])
    prepared = duckdb_path.with_name("warehouse.prepared_export")
    # User.csv for its report footer only (its values are read as they are)
    assert sorted(p.name for p in prepared.iterdir()) == [
        "Account.csv", "Opportunity.csv", "OpportunityHistory.csv", "User.csv"
    ]
    text = (prepared / "OpportunityHistory.csv").read_text(encoding="utf-8")
    # 01/06/2025 10:00 AM in New York, written as ISO; the time zone var reads it as 15:00 UTC
    assert "2025-01-06 10:00:00" in text and "AM" not in text
