"""End-to-end runs on an export shaped like a Salesforce report export: only Opportunity,
OpportunityHistory, Event and Lead, each with the columns a report carries (API-name headers,
every value double-quoted, ISO timestamps), no User and no Account object; events with
ActivityDateTime/ActivityDate and DurationInMinutes instead of StartDateTime/EndDateTime,
leads without CreatedDate.
Then the same export without Opportunity.OwnerId, and with a User file that has FirstName and
LastName but no Name. Expected values are worked out by hand from the rows below."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from dbt_helpers import build, query, read_rows, write_rows
from revops_kpis.cli import main
from revops_kpis.dbt_project import DbtRunError
from revops_kpis.export_checks import ExportError, preflight

RITA, SAM, MONA = "005000000000001AAA", "005000000000002AAA", "005000000000009AAA"

# Five deals, calendar quarters (the default fiscal year). Q1 2025: deal 1 (Rita, 12,000)
# won on Feb 14, deal 2 (Sam, 8,000) won on Mar 20, deal 3 (Rita, 5,000) lost on Mar 5.
# Deal 4 (Sam) is open; deal 5 (Sam, 3,000) was won on Apr 15, in Q2.
OPPORTUNITY_CSV = """\
"Id","AccountId","OwnerId","Name","StageName","Amount","CloseDate","CreatedDate","IsClosed","IsWon","ForecastCategoryName","Type"
"006000000000001AAA","001000000000001AAA","005000000000001AAA","Acme platform","Closed Won","12000.00","2025-02-14","2025-01-06T09:00:00.000Z","true","true","Closed","New Business"
"006000000000002AAA","001000000000002AAA","005000000000002AAA","Globex rollout","Closed Won","8000.00","2025-03-20","2025-01-10T11:30:00.000Z","true","true","Closed","New Business"
"006000000000003AAA","001000000000001AAA","005000000000001AAA","Acme add-on","Closed Lost","5000.00","2025-03-05","2025-01-15T14:00:00.000Z","true","false","Omitted","New Business"
"006000000000004AAA","001000000000003AAA","005000000000002AAA","Initech pilot","Negotiation/Review","20000.00","2025-05-30","2025-02-01T10:00:00.000Z","false","false","Commit","New Business"
"006000000000005AAA","001000000000002AAA","005000000000002AAA","Globex renewal","Closed Won","3000.00","2025-04-15","2025-03-03T09:00:00.000Z","true","true","Closed","Renewal"
"""
# The last saved change, deal 4 moving on Apr 20 10:00 UTC, is the as-of time.
OPPORTUNITY_HISTORY_CSV = """\
"Id","OpportunityId","CreatedById","CreatedDate","StageName","Amount","CloseDate","ForecastCategory"
"008000000000001AAA","006000000000001AAA","005000000000001AAA","2025-01-06T09:00:00.000Z","Prospecting","12000.00","2025-03-31","Pipeline"
"008000000000002AAA","006000000000001AAA","005000000000001AAA","2025-01-20T16:00:00.000Z","Qualification","12000.00","2025-03-31","Pipeline"
"008000000000003AAA","006000000000001AAA","005000000000001AAA","2025-02-14T16:00:00.000Z","Closed Won","12000.00","2025-02-14","Closed"
"008000000000004AAA","006000000000002AAA","005000000000002AAA","2025-01-10T11:30:00.000Z","Prospecting","8000.00","2025-03-31","Pipeline"
"008000000000005AAA","006000000000002AAA","005000000000002AAA","2025-03-20T15:00:00.000Z","Closed Won","8000.00","2025-03-20","Closed"
"008000000000006AAA","006000000000003AAA","005000000000001AAA","2025-01-15T14:00:00.000Z","Prospecting","5000.00","2025-03-31","Pipeline"
"008000000000007AAA","006000000000003AAA","005000000000001AAA","2025-03-05T10:00:00.000Z","Closed Lost","5000.00","2025-03-05","Omitted"
"008000000000008AAA","006000000000004AAA","005000000000002AAA","2025-02-01T10:00:00.000Z","Prospecting","20000.00","2025-05-30","Pipeline"
"008000000000009AAA","006000000000004AAA","005000000000002AAA","2025-04-20T10:00:00.000Z","Negotiation/Review","20000.00","2025-05-30","Commit"
"008000000000010AAA","006000000000005AAA","005000000000002AAA","2025-03-03T09:00:00.000Z","Prospecting","3000.00","2025-04-30","Pipeline"
"008000000000011AAA","006000000000005AAA","005000000000002AAA","2025-04-15T12:00:00.000Z","Closed Won","3000.00","2025-04-15","Closed"
"""
# Event 1: 45 minutes from Jan 20 15:00; event 2: all day Feb 3 (no ActivityDateTime, 1440
# minutes); event 3: 30 minutes from Mar 10 09:30.
EVENT_CSV = """\
"Id","WhoId","WhatId","AccountId","OwnerId","Type","ActivityDateTime","ActivityDate","DurationInMinutes","CreatedDate"
"00U000000000001AAA","","006000000000001AAA","001000000000001AAA","005000000000001AAA","Meeting","2025-01-20T15:00:00.000Z","2025-01-20","45","2025-01-17T08:00:00.000Z"
"00U000000000002AAA","","006000000000002AAA","001000000000002AAA","005000000000002AAA","Meeting","","2025-02-03","1440","2025-01-30T09:00:00.000Z"
"00U000000000003AAA","","006000000000004AAA","001000000000003AAA","005000000000002AAA","Demo","2025-03-10T09:30:00.000Z","2025-03-10","30","2025-03-07T12:00:00.000Z"
"""
# A leads report without the creation date: lead response time and lead counts are unknown.
LEAD_CSV = """\
"Id","OwnerId","Status","LeadSource"
"00Q000000000001AAA","005000000000001AAA","Working - Contacted","Web"
"00Q000000000002AAA","005000000000001AAA","Open - Not Contacted","Referral"
"""
# Users as a trimmed extract carries them: FirstName and LastName, no Name; Mona manages both.
USER_CSV = """\
"Id","FirstName","LastName","IsActive","ManagerId"
"005000000000001AAA","Rita","Repetto","true","005000000000009AAA"
"005000000000002AAA","Sam","Seller","true","005000000000009AAA"
"005000000000009AAA","Mona","Manager","true",""
"""

Q1 = dt.date(2025, 1, 1)
Q2 = dt.date(2025, 4, 1)


def write_report_export(folder: Path, with_users: bool = False) -> Path:
    folder.mkdir(parents=True)
    (folder / "Opportunity.csv").write_text(OPPORTUNITY_CSV)
    (folder / "OpportunityHistory.csv").write_text(OPPORTUNITY_HISTORY_CSV)
    (folder / "Event.csv").write_text(EVENT_CSV)
    (folder / "Lead.csv").write_text(LEAD_CSV)
    if with_users:
        (folder / "User.csv").write_text(USER_CSV)
    return folder


def drop_column(path: Path, column: str) -> None:
    header, rows = read_rows(path)
    header.remove(column)
    write_rows(path, header, [{k: v for k, v in row.items() if k != column} for row in rows])


def tier2(duckdb_path: Path, grain: str, period_start: dt.date) -> list[tuple]:
    return query(
        duckdb_path,
        "select grain_id, won_count, won_amount, lost_count from marts.rpt_kpi_tier2_diagnostics "
        f"where grain = '{grain}' and period_grain = 'quarter' and period_start = date '{period_start}' "
        "order by grain_id",
    )


@pytest.fixture(scope="module")
def report_run(tmp_path_factory):
    """`revops-kpis run` (export checks included) on the report export: (DuckDB file, stdout)."""
    work = tmp_path_factory.mktemp("report")
    export = write_report_export(work / "export")
    duckdb_path = work / "w.duckdb"
    exit_code = main(["run", "--export", str(export), "--duckdb", str(duckdb_path)])
    return exit_code, duckdb_path, work


@pytest.fixture(scope="module")
def unowned_run(tmp_path_factory):
    """The same export without Opportunity.OwnerId, not built yet: (export folder, DuckDB file)."""
    work = tmp_path_factory.mktemp("unowned")
    export = write_report_export(work / "export")
    drop_column(export / "Opportunity.csv", "OwnerId")
    (export / "Lead.csv").unlink()  # lead owners would be reps
    duckdb_path = work / "w.duckdb"
    return export, duckdb_path


def test_report_export_builds_with_the_export_checks(report_run):
    exit_code, duckdb_path, _ = report_run
    assert exit_code == 0
    assert query(duckdb_path, "select cast(as_of as varchar) from staging.stg_crm__export_as_of") == [
        ("2025-04-20 10:00:00",)
    ]


def test_event_times_are_derived_from_activity_datetime_and_duration(report_run):
    _, duckdb_path, _ = report_run
    rows = query(
        duckdb_path,
        "select event_id, started_at, ended_at from staging.stg_crm__events order by event_id",
    )
    assert rows == [
        # ActivityDateTime + 45 minutes
        ("00U000000000001AAA", dt.datetime(2025, 1, 20, 15, 0), dt.datetime(2025, 1, 20, 15, 45)),
        # all day: midnight of ActivityDate (reporting time zone UTC) + 1440 minutes
        ("00U000000000002AAA", dt.datetime(2025, 2, 3, 0, 0), dt.datetime(2025, 2, 4, 0, 0)),
        ("00U000000000003AAA", dt.datetime(2025, 3, 10, 9, 30), dt.datetime(2025, 3, 10, 10, 0)),
    ]
    # the interactions happened at those starts
    assert query(
        duckdb_path, "select count(*), min(occurred_at) from marts.fct_interactions"
    ) == [(3, dt.datetime(2025, 1, 20, 15, 0))]


def test_company_won_count_and_bookings(report_run):
    _, duckdb_path, _ = report_run
    # Q1: deals 1 and 2 won (12,000 + 8,000), deal 3 lost; Q2: deal 5 won (3,000)
    assert tier2(duckdb_path, "company", Q1) == [("all", 2, Decimal("20000.00"), 1)]
    assert tier2(duckdb_path, "company", Q2) == [("all", 1, Decimal("3000.00"), 0)]
    assert query(
        duckdb_path,
        "select bookings_amount from marts.rpt_kpi_tier1_outcomes "
        f"where grain = 'company' and period_grain = 'quarter' and period_start = date '{Q1}'",
    ) == [(Decimal("20000.00"),)]


def test_without_lead_created_date_lead_kpis_are_unknown(report_run, capsys):
    _, duckdb_path, work = report_run
    # both leads are staged (the column is absent, not blank), with no creation time
    assert query(duckdb_path, "select count(*), count(created_at) from marts.fct_leads") == [(2, 0)]
    # lead counts and response time are null (unknown), not zero, at every grain: the periods
    # are the months January to April 2025, Q1 and Q2, 2025 (first deal to the as-of time) and
    # 16 Monday weeks, from Dec 30, 2024 (the week holding Wednesday Jan 1) to Apr 14, 2025 (the
    # week holding the as-of time, Sunday Apr 20): 23 periods, for one team and two reps
    assert query(
        duckdb_path,
        "select grain, count(*), count(lead_count), count(untouched_lead_count), count(median_lead_response_minutes) "
        "from marts.rpt_kpi_tier3_levers group by grain order by grain",
    ) == [("company", 23, 0, 0, 0), ("rep", 46, 0, 0, 0), ("team", 23, 0, 0, 0)]
    assert main(["summary", "--duckdb", str(duckdb_path), "--export", str(work / "export")]) == 0
    assert "The export has no CreatedDate on Lead: lead response time and the lead counts are unknown (null)." in (
        capsys.readouterr().out
    )


def test_without_user_export_reps_are_identified_by_id(report_run):
    _, duckdb_path, _ = report_run
    # no User object: the deal owners are the reps, named by their id, all in 'unassigned'
    assert query(
        duckdb_path, "select rep_id, rep_name, team_id, team_name, is_active from marts.dim_reps order by rep_id"
    ) == [
        (RITA, RITA, "unassigned", "No manager", False),
        (SAM, SAM, "unassigned", "No manager", False),
    ]
    # Q1: Rita won deal 1 and lost deal 3, Sam won deal 2; their team is both
    assert tier2(duckdb_path, "rep", Q1) == [
        (RITA, 1, Decimal("12000.00"), 1),
        (SAM, 1, Decimal("8000.00"), 0),
    ]
    assert tier2(duckdb_path, "team", Q1) == [("unassigned", 2, Decimal("20000.00"), 1)]


def test_summary_says_the_export_has_no_users(report_run, capsys):
    _, duckdb_path, work = report_run
    assert main(["summary", "--duckdb", str(duckdb_path), "--export", str(work / "export")]) == 0
    out = capsys.readouterr().out
    assert "The export has no users (no User object): reps are named by their user id" in out
    assert "no OwnerId" not in out
    assert re.search(r"User\s+0\s+0\s+0\s+0\s+0\n", out)


def test_without_opportunity_owner_only_company_rows_carry_deals(unowned_run, capsys):
    export, duckdb_path = unowned_run
    # the preflight accepts it: OwnerId is optional, and it says so
    checked = preflight(export)
    assert any("Opportunity.csv lacks optional columns OwnerId" in w for w in checked.warnings)
    exit_code = main(["run", "--export", str(export), "--duckdb", str(duckdb_path)])
    out = capsys.readouterr().out
    assert exit_code == 0, out
    # no deal was quarantined for its blank owner: the column is absent, not blank
    assert query(
        duckdb_path,
        "select staged_row_count, quarantined_row_count from staging.stg_crm__row_accounting "
        "where object_name = 'Opportunity'",
    ) == [(5, 0)]
    # the company rows are those of the export with owners, computed by hand above
    assert tier2(duckdb_path, "company", Q1) == [("all", 2, Decimal("20000.00"), 1)]
    assert tier2(duckdb_path, "company", Q2) == [("all", 1, Decimal("3000.00"), 0)]
    # no owner anywhere: no reps, so no rep and no team rows
    assert query(duckdb_path, "select count(*) from marts.dim_reps") == [(0,)]
    assert query(
        duckdb_path, "select count(*) from marts.rpt_kpi_tier2_diagnostics where grain in ('rep', 'team')"
    ) == [(0,)]
    assert (
        "The export has no OwnerId on Opportunity: rep and team rows are empty (no deal has an owner); "
        "the company rows count every deal." in out
    )


def test_users_with_first_and_last_name_but_no_name(tmp_path):
    export = write_report_export(tmp_path / "export", with_users=True)
    duckdb_path = build(
        export, tmp_path / "work", selection=["--select", "+dim_reps", "--indirect-selection", "cautious"]
    )
    assert query(duckdb_path, "select user_id, user_name from staging.stg_crm__users order by user_id") == [
        (RITA, "Rita Repetto"),
        (SAM, "Sam Seller"),
        (MONA, "Mona Manager"),
    ]
    # the derived names reach the reps and their team (Mona owns no deal: not a rep)
    assert query(duckdb_path, "select rep_name, team_id, team_name from marts.dim_reps order by rep_id") == [
        ("Rita Repetto", MONA, "Mona Manager"),
        ("Sam Seller", MONA, "Mona Manager"),
    ]


def test_missing_required_column_names_the_kpis_that_need_it(tmp_path):
    export = write_report_export(tmp_path / "export")
    drop_column(export / "Opportunity.csv", "Amount")
    # the preflight
    with pytest.raises(ExportError) as raised:
        preflight(export)
    message = str(raised.value)
    assert "required column `Amount` of Opportunity is missing" in message
    assert "`Amount` is needed for every money KPI: bookings, won and lost amounts, average deal size" in message
    # the dbt landing macro, for a build that skips the preflight
    with pytest.raises(DbtRunError) as failed:
        build(export, tmp_path / "work")
    text = str(failed.value)
    assert "missing required column(s) Amount" in text
    assert "Amount is needed for every money KPI: bookings, won and lost amounts, average deal size" in text
