"""The benchmark's own parts: rewinding an export, comparing warehouses, measuring a process."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from pathlib import Path

import duckdb
import pytest

from revops_kpis.benchmark.compare import compare_warehouses, differences
from revops_kpis.benchmark.rewind import cut_for_fraction, rewind_export
from revops_kpis.benchmark.runner import _win_probability_seconds, measure

OPP_A = "006000000000001AAA"  # created before the cut, closed won after it
OPP_B = "006000000000002AAA"  # created after the cut
OPP_C = "006000000000003AAA"  # closed lost before the cut, unchanged
REP_1 = "005000000000001AAA"
REP_2 = "005000000000002AAA"
CUT = dt.datetime(2026, 3, 1, 12, 0, 0)


def _write(folder: Path, name: str, header: list[str], rows: list[list[str]]) -> None:
    with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture()
def export(tmp_path: Path) -> Path:
    folder = tmp_path / "after"
    folder.mkdir()
    _write(folder, "User", ["Id", "Name", "IsActive", "UserType", "ManagerId", "Email"],
           [[REP_1, "Rep One", "true", "Standard", "", "one@example.com"],
            [REP_2, "Rep Two", "true", "Standard", "", "two@example.com"]])
    _write(folder, "Opportunity",
           ["Id", "AccountId", "OwnerId", "Name", "StageName", "Amount", "CloseDate", "CreatedDate", "IsClosed",
            "IsWon", "ForecastCategoryName", "Type", "LeadSource", "Probability", "Loss_Reason__c"],
           [[OPP_A, "", REP_2, "A", "Closed Won", "1200.00", "2026-03-05", "2026-01-10T09:00:00.000Z", "true", "true",
             "Closed", "New Business", "Web", "100", ""],
            [OPP_B, "", REP_1, "B", "Prospecting", "500.00", "2026-04-30", "2026-03-02T09:00:00.000Z", "false",
             "false", "Pipeline", "New Business", "Web", "10", ""],
            [OPP_C, "", REP_1, "C", "Closed Lost", "700.00", "2026-02-01", "2026-01-05T09:00:00.000Z", "true", "false",
             "Omitted", "New Business", "Web", "0", "Price"]])
    _write(folder, "OpportunityHistory",
           ["Id", "OpportunityId", "CreatedById", "CreatedDate", "StageName", "Amount", "CloseDate", "Probability",
            "ForecastCategory"],
           [["008000000000001AAA", OPP_A, REP_1, "2026-01-10T09:00:00.000Z", "Prospecting", "1000.00", "2026-03-31", "10", "Pipeline"],
            ["008000000000002AAA", OPP_A, REP_1, "2026-02-10T09:00:00.000Z", "Negotiation/Review", "1100.00", "2026-03-20", "90", "Commit"],
            ["008000000000003AAA", OPP_A, REP_2, "2026-03-05T09:00:00.000Z", "Closed Won", "1200.00", "2026-03-05", "100", "Closed"],
            ["008000000000004AAA", OPP_B, REP_1, "2026-03-02T09:00:00.000Z", "Prospecting", "500.00", "2026-04-30", "10", "Pipeline"],
            ["008000000000005AAA", OPP_C, REP_1, "2026-01-05T09:00:00.000Z", "Prospecting", "700.00", "2026-03-31", "10", "Pipeline"],
            ["008000000000006AAA", OPP_C, REP_1, "2026-02-01T09:00:00.000Z", "Closed Lost", "700.00", "2026-02-01", "0", "Omitted"]])
    _write(folder, "OpportunityFieldHistory",
           ["Id", "OpportunityId", "CreatedById", "CreatedDate", "Field", "OldValue", "NewValue"],
           [["017000000000001AAA", OPP_A, REP_1, "2026-03-03T09:00:00.000Z", "Owner", REP_1, REP_2]])
    _write(folder, "Task",
           ["Id", "WhoId", "WhatId", "AccountId", "OwnerId", "Subject", "Type", "TaskSubtype", "Status",
            "ActivityDate", "CreatedDate", "CompletedDateTime", "CallDurationInSeconds"],
           [["00T000000000001AAA", "", OPP_A, "", REP_1, "Call", "Call", "Call", "Completed", "2026-02-20",
             "2026-02-20T10:00:00.000Z", "2026-02-20T10:30:00.000Z", "60"],
            ["00T000000000002AAA", "", OPP_A, "", REP_1, "Email", "Email", "Email", "Completed", "2026-03-04",
             "2026-02-28T10:00:00.000Z", "2026-03-04T10:00:00.000Z", ""],
            ["00T000000000003AAA", "", OPP_B, "", REP_1, "Call", "Call", "Call", "Completed", "2026-03-03",
             "2026-03-03T10:00:00.000Z", "2026-03-03T10:05:00.000Z", "30"]])
    _write(folder, "Lead",
           ["Id", "OwnerId", "CreatedDate", "Status", "LeadSource", "IsConverted", "ConvertedDate",
            "ConvertedOpportunityId", "ConvertedAccountId"],
           [["00Q000000000001AAA", REP_1, "2026-01-02T09:00:00.000Z", "Closed - Converted", "Web", "true",
             "2026-03-02", OPP_B, ""],
            ["00Q000000000002AAA", REP_1, "2026-03-10T09:00:00.000Z", "Open - Not Contacted", "Web", "false", "", "", ""]])
    return folder


def _rows(folder: Path, name: str) -> dict[str, dict[str, str]]:
    with (folder / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        return {row["Id"]: row for row in csv.DictReader(handle)}


def test_rewind_undoes_what_happened_after_the_cut(export: Path, tmp_path: Path) -> None:
    counts = rewind_export(export, tmp_path / "before", CUT)
    before = tmp_path / "before"
    assert counts == {"Opportunity": 2, "OpportunityHistory": 4, "User": 2, "OpportunityFieldHistory": 0,
                      "Task": 2, "Lead": 1}

    opportunities = _rows(before, "Opportunity")
    assert set(opportunities) == {OPP_A, OPP_C}
    a = opportunities[OPP_A]
    # at the cut, deal A was in Negotiation/Review (its 2026-02-10 history row), owned by rep 1
    assert (a["StageName"], a["Amount"], a["CloseDate"], a["Probability"], a["ForecastCategoryName"]) == (
        "Negotiation/Review", "1100.00", "2026-03-20", "90", "Commit")
    assert (a["IsClosed"], a["IsWon"], a["OwnerId"], a["Loss_Reason__c"]) == ("false", "false", REP_1, "")
    c = opportunities[OPP_C]  # nothing happened to C after the cut: exactly as exported
    assert (c["StageName"], c["IsClosed"], c["IsWon"], c["OwnerId"], c["Loss_Reason__c"]) == (
        "Closed Lost", "true", "false", REP_1, "Price")

    assert set(_rows(before, "OpportunityHistory")) == {
        "008000000000001AAA", "008000000000002AAA", "008000000000005AAA", "008000000000006AAA"}
    tasks = _rows(before, "Task")
    assert set(tasks) == {"00T000000000001AAA", "00T000000000002AAA"}
    # created before the cut, completed after it: still open at the cut
    assert (tasks["00T000000000002AAA"]["Status"], tasks["00T000000000002AAA"]["CompletedDateTime"]) == ("Not Started", "")
    assert tasks["00T000000000001AAA"]["Status"] == "Completed"
    lead = _rows(before, "Lead")["00Q000000000001AAA"]
    assert (lead["IsConverted"], lead["Status"], lead["ConvertedDate"], lead["ConvertedOpportunityId"]) == (
        "false", "Working - Contacted", "", "")
    assert _rows(before, "User") == _rows(export, "User")


def test_rewind_refuses_to_overwrite_its_source(export: Path) -> None:
    with pytest.raises(ValueError, match="must differ"):
        rewind_export(export, export, CUT)


def test_cut_for_fraction_leaves_that_share_of_activity_after_it(export: Path) -> None:
    # 9 activity rows (6 history, 3 tasks) by creation time; the 1/3 quantile from the top
    # is the 6th of 9: 2026-02-28 10:00 (after it: 03-02, 03-03, 03-05)
    assert cut_for_fraction(export, 1 / 3) == dt.datetime(2026, 2, 28, 10, 0)


def _warehouse(path: Path, values: list[tuple[str, float, int]]) -> None:
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute("create table marts.rpt_demo (grain_id varchar, rate double, deal_count bigint)")
    con.executemany("insert into marts.rpt_demo values (?, ?, ?)", values)
    con.close()


def test_compare_warehouses_tolerates_float_noise_and_finds_real_differences(tmp_path: Path) -> None:
    rows = [("a", 0.1 + 0.2, 3), ("b", 4331000.0, 1), ("c", None, 0)]
    _warehouse(tmp_path / "left.duckdb", rows)
    _warehouse(tmp_path / "same.duckdb", [("c", None, 0), ("a", 0.3, 3), ("b", 4330999.999999999, 1)])
    _warehouse(tmp_path / "other.duckdb", [("a", 0.3, 3), ("b", 4331000.0, 2), ("c", None, 0)])
    assert differences(compare_warehouses(tmp_path / "left.duckdb", tmp_path / "same.duckdb")) == {}
    found = differences(compare_warehouses(tmp_path / "left.duckdb", tmp_path / "other.duckdb"))
    assert found == {"rpt_demo": {"rows_left": 3, "rows_right": 3, "only_left": 1, "only_right": 1}}


def test_measure_reports_time_exit_code_and_peak_memory(tmp_path: Path) -> None:
    code = "import sys, time; block = bytearray(300 * 2**20); time.sleep(0.2); sys.exit(3)"
    measured = measure([sys.executable, "-c", code], tmp_path / "log.txt")
    assert measured.exit_code == 3
    assert measured.peak_rss_bytes >= 300 * 2**20
    assert measured.seconds >= 0.2


def test_win_probability_seconds_add_up_the_folder_and_the_open_deal_mart(tmp_path: Path) -> None:
    def node(name: str, path: str, kind: str = "model") -> dict:
        return {"name": name, "original_file_path": path, "resource_type": kind}

    nodes = {
        "model.p.int_win_probability_moments": node("int_win_probability_moments",
                                                    "models/intermediate/sales/win_probability/x.sql"),
        "model.p.int_interactions_scored": node("int_interactions_scored",
                                                "models/intermediate/sales/win_probability/y.sql"),
        "model.p.fct_opportunity_probabilities": node("fct_opportunity_probabilities", "models/marts/sales/z.sql"),
        "model.p.fct_interactions": node("fct_interactions", "models/marts/sales/w.sql"),
        "test.p.not_null_x": node("not_null_x", "models/intermediate/sales/win_probability/x.yml", "test"),
    }
    times = {"model.p.int_win_probability_moments": 30.5, "model.p.int_interactions_scored": 12.25,
             "model.p.fct_opportunity_probabilities": 0.75, "model.p.fct_interactions": 40.0,
             "test.p.not_null_x": 3.0}
    (tmp_path / "manifest.json").write_text(json.dumps({"nodes": nodes}))
    (tmp_path / "run_results.json").write_text(json.dumps(
        {"results": [{"unique_id": key, "execution_time": value} for key, value in times.items()]}))
    # 30.5 + 12.25 + 0.75: the folder's models and the open-deal probabilities, not the
    # publication of the interactions nor the data tests
    assert _win_probability_seconds(tmp_path) == 43.5
