"""The command line: `revops-kpis run` end to end on a fixture export, and its errors."""

from __future__ import annotations

import re
from types import SimpleNamespace

from dbt_helpers import FIXTURES, copy_export
from revops_kpis.cli import main
from revops_kpis.dbt_project import DATA_QUALITY_THRESHOLD_TAG, data_quality_breaches, failed_only_on_data_quality


def test_run_builds_and_prints_the_summary(tmp_path, capsys):
    # the small fixture is dirtier than the export checks tolerate (4 of its 10 opportunity
    # rows share an id), so this run skips them; the next test shows they stop a run
    exit_code = main([
        "run", "--export", str(FIXTURES / "small"), "--duckdb", str(tmp_path / "w.duckdb"), "--skip-export-checks",
    ])
    out = capsys.readouterr().out
    assert exit_code == 0, out
    assert "[1/3] Checking the export" in out and "[3/3] Summary" in out
    # the small fixture's counts, worked out by hand in test_staging_e2e.py
    assert re.search(r"Opportunity\s+10\s+4\s+1\s+1\s+4\n", out)
    assert re.search(r"OpportunityHistory\s+8\s+5\s+0\s+0\s+3\n", out)
    assert re.search(r"Event\s+\(not in the export\)", out)
    assert re.search(r"total\s+27\s+16\s+2\s+2\s+7\n", out)
    assert re.search(r"Opportunity\s+conflicting_duplicate_id\s+2\n", out)
    assert "Stage order from the seed stage_order (the Salesforce default stages the export uses):" in out
    assert "  Prospecting > Stage X* > Qualification > Closed Won  (lost: Closed Lost)\n" in out
    # opportunity row 8, probability 10: after Prospecting (10), before Qualification (20)
    assert "    Stage X: 1 opportunity and 0 history rows on 1 deal(s); open, placed by its recorded probability of 10%" in out
    assert "Passing over an inferred stage is not counted as a skip." in out
    assert "As of:      2025-03-01 11:00 UTC (latest event in the export)" in out
    assert str(tmp_path / "w.duckdb") in out
    # the company scorecard of the fixture's only complete quarter, Q1 2025 (as of March 1st,
    # the quarter is still in progress): one deal won (0065g00000AbcdE, 12,000), one lost
    assert "Company scorecard, fiscal quarter 2025-01-01 to 2025-04-01 (quarter in progress):" in out
    assert re.search(r"Tier 1  bookings 12,000 ", out)
    assert re.search(r"Tier 2  won 1 / lost 1   win rate 50.0%   avg deal 12,000", out)
    # unknown reads n/a, never 0: no ForecastingQuota, so no attainment and no pace; the quarter
    # is (59 days + 11 hours) / 90 days = 66.1% gone; no deal was open at January 1st, so
    # nothing was called and forecast accuracy is unknown too
    assert ("quota attainment n/a (median rep n/a, n/a of reps at 100%+); pace n/a with 66.1% of the"
            " quarter gone") in out
    assert re.search(r"commit close rate n/a   forecast accuracy n/a\n", out)


def test_failed_export_checks_stop_the_run_before_building(tmp_path, capsys):
    exit_code = main(["run", "--export", str(FIXTURES / "small"), "--duckdb", str(tmp_path / "w.duckdb")])
    captured = capsys.readouterr()
    assert exit_code == 1
    assert "FAILED Opportunity.Id: primary key unique" in captured.out
    assert "nothing was built" in captured.err
    assert not (tmp_path / "w.duckdb").exists()


def test_binary_junk_stops_the_run_naming_the_file(tmp_path, capsys):
    export = copy_export("small", tmp_path / "export")
    (export / "Account.csv").write_bytes(b"Id,Name,OwnerId,CreatedDate\n" + bytes(range(256)) * 4)
    exit_code = main(["run", "--export", str(export), "--duckdb", str(tmp_path / "w.duckdb")])
    captured = capsys.readouterr()
    assert exit_code == 2
    assert "The export cannot be used" in captured.err
    assert "Account.csv" in captured.err
    assert not (tmp_path / "w.duckdb").exists()


def test_missing_export_folder_is_a_clear_error(tmp_path, capsys):
    exit_code = main(["run", "--export", str(tmp_path / "nowhere"), "--duckdb", str(tmp_path / "w.duckdb")])
    captured = capsys.readouterr()
    assert exit_code == 2
    assert str(tmp_path / "nowhere") in captured.err


def test_bad_vars_are_rejected(capsys):
    try:
        main(["run", "--vars", "[1, 2]"])
    except SystemExit as exc:
        assert "--vars must be a mapping" in str(exc)
    else:
        raise AssertionError("expected SystemExit")


def _result(*statuses, exception=None):
    """A stand-in for dbt's result: (status, tags) per node."""
    results = [
        SimpleNamespace(status=status, node=SimpleNamespace(unique_id=f"test.revops_kpis.node_{number}", tags=tags))
        for number, (status, tags) in enumerate(statuses)
    ]
    return SimpleNamespace(success=not any(s in {"error", "fail", "skipped"} for s, _ in statuses),
                           exception=exception, result=SimpleNamespace(results=results))


DQ = [DATA_QUALITY_THRESHOLD_TAG]


def test_only_data_quality_threshold_failures_let_the_run_go_on():
    # the threshold tests failed at severity error, everything else passed: findings, not a broken build
    assert failed_only_on_data_quality(_result(("success", []), ("pass", []), ("fail", DQ), ("fail", DQ)))
    # any other failure still stops the run: a data test, a unit test, a model, a skipped node
    assert not failed_only_on_data_quality(_result(("fail", DQ), ("fail", [])))
    assert not failed_only_on_data_quality(_result(("fail", DQ), ("error", [])))
    assert not failed_only_on_data_quality(_result(("fail", DQ), ("skipped", [])))
    # a threshold test that could not run (a SQL error) is no finding
    assert not failed_only_on_data_quality(_result(("error", DQ)))
    # dbt itself failed, or nothing failed, or dbt did not run
    assert not failed_only_on_data_quality(_result(("fail", DQ), exception=RuntimeError("compilation")))
    assert not failed_only_on_data_quality(_result(("pass", []), ("warn", DQ)))
    assert not failed_only_on_data_quality(None)


def test_data_quality_breaches_are_the_threshold_tests_that_found_rows():
    result = _result(("pass", DQ), ("warn", DQ), ("warn", []), ("fail", DQ), ("fail", []))
    assert data_quality_breaches(result) == ["test.revops_kpis.node_1", "test.revops_kpis.node_3"]


def test_a_column_written_twice_is_a_warning_of_the_run(tmp_path, capsys, monkeypatch):
    # one rule everywhere (the checks, the prepared copy, dbt): the first copy is read; the run
    # says so, naming the file and the column, with and without the Great Expectations checks
    import csv

    import revops_kpis.cli as cli

    export = copy_export("small", tmp_path / "export")
    path = export / "Account.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows([rows[0] + ["Name"]] + [r + ["junk"] for r in rows[1:]])
    warning = "warning: Account.csv: 2 columns all mean `Name` ('Name', 'Name'); "
    main(["run", "--export", str(export), "--duckdb", str(tmp_path / "w.duckdb")])
    assert warning in capsys.readouterr().out

    def no_build(*_args, **_kwargs):
        raise RuntimeError("the build is not part of this test")

    monkeypatch.setattr(cli, "stage", no_build)
    try:
        main(["run", "--export", str(export), "--duckdb", str(tmp_path / "w.duckdb"), "--skip-export-checks"])
    except RuntimeError:
        pass
    out = capsys.readouterr().out
    assert warning in out and "the first one, 'Name', is read. Drop the others." in out
