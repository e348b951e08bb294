"""A business timestamp later than the export clock cannot move the default as_of: its row is
quarantined as `future_timestamp` (issue: one OpportunityHistory row dated 2031 moved the
as-of, and the whole scorecard, to 2031).

The export clock is the latest system stamp (SystemModstamp, LastModifiedDate) or record
creation of the export; business timestamps (stage and field changes, task completions, lead
conversions) may follow it by future_timestamp_tolerance_hours (24) when the export has system
stamps, by future_timestamp_unstamped_tolerance_days (60) when it has none.

The small fixture without its bad rows (test_quarantine_reasons.clean_export) has no system
stamps. Its clock: the latest record creation, Task row 2 (deleted, but its CreatedDate is
as real) at 2025-02-11 15:00 UTC; its latest staged business timestamp, OpportunityHistory row
4 (006000000000002AAA closed lost) at 2025-03-01 11:00, so its as_of is 2025-03-01 11:00."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from conftest import MODELS_ONLY
from dbt_helpers import accounting, build, query, quarantine, read_rows, write_rows
from test_quarantine_reasons import clean_export

CLEAN_AS_OF = dt.datetime(2025, 3, 1, 11, 0)
# history row 5 (006000000000003AAA, Qualification) written again with a new id, dated 2031
FUTURE_ROW = {"Id": "008000000000009AAA", "CreatedDate": "2031-02-01T12:00:00.000Z"}
COMPANY_COLUMNS = ("period_grain, period_start, won_count, bookings_amount, new_customer_count, "
                   "renewal_won_count, renewal_closed_count")


def _append_history_row(export: Path, **changes: str) -> int:
    header, rows = read_rows(export / "OpportunityHistory.csv")
    rows.append({**rows[4], **changes})
    write_rows(export / "OpportunityHistory.csv", header, rows)
    return len(rows)


def _as_of(duckdb_path: Path) -> tuple:
    return query(duckdb_path, "select as_of, as_of_source, as_of_derived_from from staging.stg_crm__export_as_of")[0]


def _company_rows(duckdb_path: Path) -> list[tuple]:
    return query(duckdb_path, f"select {COMPANY_COLUMNS} from marts.rpt_kpi_tier1_outcomes "
                              "where grain = 'company' order by period_grain, period_start")


def _append_future_deal(export: Path) -> None:
    """A copy of Opportunity row 3 (006000000000003AAA) as a new deal created in 2031 (a
    mistyped year), with a copy of its history row (row 5) under the new deal."""
    header, rows = read_rows(export / "Opportunity.csv")
    rows.append({**rows[2], "Id": "006000000000031AAA", "CreatedDate": "2031-02-01T12:00:00.000Z"})
    write_rows(export / "Opportunity.csv", header, rows)
    _append_history_row(export, Id="008000000000031AAA", OpportunityId="006000000000031AAA",
                        CreatedDate="2031-02-01T12:00:00.000Z")


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, Path]:
    """The clean small export and the same with one history row dated 2031, built in full
    (models only); and the 2031 export built with an as_of var before its last changes."""
    work = tmp_path_factory.mktemp("future")
    clean = clean_export(work / "clean")
    future = work / "future"
    shutil.copytree(clean, future)
    _append_history_row(future, **FUTURE_ROW)
    future_deal = work / "future_deal"
    shutil.copytree(clean, future_deal)
    _append_future_deal(future_deal)
    return {
        "clean": build(clean, work / "clean-build", selection=MODELS_ONLY),
        "future_deal": build(future_deal, work / "future-deal-build", selection=MODELS_ONLY),
        "future": build(future, work / "future-build", selection=MODELS_ONLY),
        "future_past_as_of": build(future, work / "past-build", extra_vars={"as_of": "2025-02-20T00:00:00Z"}),
    }


def test_a_history_row_dated_2031_does_not_move_the_as_of(builds):
    assert _as_of(builds["clean"]) == (CLEAN_AS_OF, "export", "business_timestamp")
    assert _as_of(builds["future"]) == _as_of(builds["clean"])
    # the clock: 2025-02-11 15:00 (Task row 2's creation), + 60 days = 2025-04-12 15:00
    assert query(builds["future"], "select export_clock, export_clock_source, has_system_stamps, future_timestamp_after "
                                   "from staging.stg_salesforce__export_clock") == [
        (dt.datetime(2025, 2, 11, 15, 0), "record_creation", False, dt.datetime(2025, 4, 12, 15, 0))]


def test_the_2031_row_is_quarantined_and_counted(builds):
    assert quarantine(builds["clean"]) == set()
    assert quarantine(builds["future"]) == {("OpportunityHistory", "008000000000009AAA", 6, "future_timestamp")}
    clean_counts, future_counts = accounting(builds["clean"]), accounting(builds["future"])
    # raw, staged, deleted, duplicate, quarantined: one more raw row, quarantined
    assert future_counts["OpportunityHistory"] == (6, 5, 0, 0, 1)
    assert {name: counts for name, counts in future_counts.items() if name != "OpportunityHistory"} == {
        name: counts for name, counts in clean_counts.items() if name != "OpportunityHistory"}


def test_company_totals_do_not_move(builds):
    company = _company_rows(builds["future"])
    assert company == _company_rows(builds["clean"])
    # by hand from the clean Opportunity rows: one won deal, 0065g00000AbcdEAAR, 12,000,
    # CloseDate 2025-02-15 (Q1 2025); the lost and the open one book nothing
    yearly = [row for row in company if row[0] == "year" and row[2]]
    assert [(row[1], row[2], row[3]) for row in yearly] == [(dt.date(2025, 1, 1), 1, 12000)]


def test_an_earlier_as_of_var_keeps_later_rows_out_of_the_quarantine(builds):
    # as_of 2025-02-20 is before history row 4 (2025-03-01): that row is after the as-of time,
    # not in the future; only the 2031 row, past the export clock, is quarantined
    assert _as_of(builds["future_past_as_of"]) == (dt.datetime(2025, 2, 20, 0, 0), "var", "var")
    assert quarantine(builds["future_past_as_of"]) == {("OpportunityHistory", "008000000000009AAA", 6, "future_timestamp")}
    assert accounting(builds["future_past_as_of"])["OpportunityHistory"] == (6, 5, 0, 0, 1)


def _stamped_export(destination: Path) -> Path:
    """The clean small export as the Data Export Service writes it: LastModifiedDate and
    SystemModstamp on every record, SystemModstamp on the history. Every stamp is the row's
    last save: a deal's is its last history change, a history row's its creation, a task's
    its completion, an account's its creation."""
    export = clean_export(destination)
    header, history = read_rows(export / "OpportunityHistory.csv")
    for row in history:
        row["SystemModstamp"] = row["CreatedDate"]
    write_rows(export / "OpportunityHistory.csv", header + ["SystemModstamp"], history)
    last_change: dict[str, str] = {}
    for row in history:
        last_change[row["OpportunityId"]] = max(last_change.get(row["OpportunityId"], ""), row["CreatedDate"])
    for file_name, stamp in [
        ("Opportunity.csv", lambda row: last_change.get(row["Id"], row["CreatedDate"])),
        ("Account.csv", lambda row: row["CreatedDate"]),
        ("Task.csv", lambda row: row["CompletedDateTime"] or row["CreatedDate"]),
    ]:
        header, rows = read_rows(export / file_name)
        for row in rows:
            row["LastModifiedDate"] = row["SystemModstamp"] = stamp(row)
        write_rows(export / file_name, header + ["LastModifiedDate", "SystemModstamp"], rows)
    return export


def test_stamped_export_history_row_beyond_every_system_stamp(tmp_path):
    export = _stamped_export(tmp_path / "export")
    # the clock: the latest stamp, history row 4's 2025-03-01 11:00 (the deal closed lost then)
    clean = build(export, tmp_path / "clean")
    assert quarantine(clean) == set()
    assert _as_of(clean) == (CLEAN_AS_OF, "export", "system_stamp")
    # history row 4 written as of 2025-03-04 (its SystemModstamp still 2025-03-01): three days
    # past every system stamp, more than the 24 hours a stamped export allows (an export
    # without stamps would allow 60 days); and later than its own SystemModstamp
    header, history = read_rows(export / "OpportunityHistory.csv")
    history[3]["CreatedDate"] = "2025-03-04T11:00:00.000Z"
    # Task row 1 created 2025-02-12, after its own last save (2025-02-10 15:20): within the
    # clock, caught by its own stamps alone
    write_rows(export / "OpportunityHistory.csv", header, history)
    header, tasks = read_rows(export / "Task.csv")
    tasks[0]["CreatedDate"] = "2025-02-12T09:00:00.000Z"
    write_rows(export / "Task.csv", header, tasks)
    future = build(export, tmp_path / "future")
    assert quarantine(future) == {
        ("OpportunityHistory", "008000000000004AAA", 4, "future_timestamp"),
        ("Task", "00T000000000001AAA", 1, "future_timestamp"),
    }
    assert accounting(future)["OpportunityHistory"] == (5, 4, 0, 0, 1)
    assert accounting(future)["Task"] == (2, 0, 1, 0, 1)
    # the clock is still the system stamp of 2025-03-01 11:00, and so is the as_of
    assert _as_of(future) == (CLEAN_AS_OF, "export", "system_stamp")


def test_incremental_run_releases_a_row_once_the_clock_catches_up(tmp_path):
    # Task row 1 completed 2025-05-01: past the clock (2025-02-11 15:00) + 60 days
    earlier = clean_export(tmp_path / "earlier")
    header, tasks = read_rows(earlier / "Task.csv")
    tasks[0]["CompletedDateTime"] = "2025-05-01T10:00:00.000Z"
    write_rows(earlier / "Task.csv", header, tasks)
    earlier_build = build(earlier, tmp_path / "incremental")
    assert quarantine(earlier_build) == {("Task", "00T000000000001AAA", 1, "future_timestamp")}
    # the later export: the same tasks, and accounts created 2025-03-15 and 2025-04-20 move
    # the clock to 2025-04-20 (the first alone, 103 days after the account before it, would be
    # a lone outlier; the second follows it by 36 days)
    later = tmp_path / "later"
    shutil.copytree(earlier, later)
    header, accounts = read_rows(later / "Account.csv")
    accounts.append({**accounts[1], "Id": "001000000000008AAA", "CreatedDate": "2025-03-15T09:00:00.000Z"})
    accounts.append({**accounts[1], "Id": "001000000000009AAA", "CreatedDate": "2025-04-20T09:00:00.000Z"})
    write_rows(later / "Account.csv", header, accounts)
    incremental = build(later, tmp_path / "incremental")  # on the earlier warehouse
    full = build(later, tmp_path / "full")
    statuses = ("select _raw_row_number, row_status, quarantine_reason from staging.base_salesforce__task_rows "
                "order by _raw_row_number")
    assert query(incremental, statuses) == query(full, statuses) == [(1, "staged", None), (2, "deleted", None)]
    assert quarantine(incremental) == quarantine(full) == set()
    assert _as_of(incremental) == _as_of(full) == (dt.datetime(2025, 5, 1, 10, 0), "export", "business_timestamp")


def test_a_deal_created_in_2031_does_not_move_the_clock_and_is_quarantined(builds):
    # the export has no system stamps: the clock is the latest record creation that is not a
    # lone outlier; the 2031 creation is years after the deal created before it (2025-02-01), so
    # the clock stays at Task row 2's creation, and the deal, past the clock's 60 days, is
    # quarantined; so is its history row, dated 2031 too (its own reason comes before its deal's)
    assert query(builds["future_deal"], "select export_clock, export_clock_source from staging.stg_salesforce__export_clock") == [
        (dt.datetime(2025, 2, 11, 15, 0), "record_creation")]
    assert _as_of(builds["future_deal"]) == _as_of(builds["clean"])
    assert quarantine(builds["future_deal"]) == {
        ("Opportunity", "006000000000031AAA", 4, "future_timestamp"),
        ("OpportunityHistory", "008000000000031AAA", 6, "future_timestamp"),
    }
    assert accounting(builds["future_deal"])["Opportunity"] == (4, 3, 0, 0, 1)
    assert _company_rows(builds["future_deal"]) == _company_rows(builds["clean"])
