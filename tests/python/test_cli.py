"""The command line: `revops-kpis run` end to end on a fixture export, and its errors.

Two full builds in the whole file, each shared by several tests: `copy_run` builds an edited
copy of the project named by --project-dir, `cwd_run` the same copy run from its folder.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from types import SimpleNamespace

import pytest

from dbt_helpers import FIXTURES, copy_export, query
from revops_kpis import __version__
from revops_kpis.cli import main
from revops_kpis.dbt_project import DATA_QUALITY_THRESHOLD_TAG, data_quality_breaches, failed_only_on_data_quality
from revops_kpis.export_spec import PROJECT_ROOT, project_dir, resolve_project_dir

EDITED_MODEL = PROJECT_ROOT / "models" / "staging" / "salesforce" / "stg_salesforce__export_as_of.sql"
EDITED_MARK = "the edited copy"


def _copy_project(copy):
    """A copy of the project's tracked files, as a user copies a checkout."""
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=PROJECT_ROOT, check=True, capture_output=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        source = PROJECT_ROOT / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            (copy / name).write_bytes(source.read_bytes())
    return copy


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory):
    """A copy of the project with one model edited: stg_salesforce__export_as_of gets a column
    the project does not have."""
    copy = _copy_project(tmp_path_factory.mktemp("project") / "revops_kpis_copy")
    model = copy / EDITED_MODEL.relative_to(PROJECT_ROOT)
    text = model.read_text()
    assert text.rstrip().endswith("select * from resolved")
    model.write_text(text.rstrip()[: -len("select * from resolved")]
                     + f"select\n    *,\n    '{EDITED_MARK}' as built_from\nfrom resolved\n")
    return copy


def _run(argv: list[str]) -> tuple[int, str, str]:
    """main() with its output captured (module-scoped fixtures cannot use capsys)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        exit_code = main(argv)
    return exit_code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def copy_run(project_copy, tmp_path_factory):
    """The small fixture built from the edited copy named by --project-dir, from the original
    checkout's folder, into a DuckDB file in a folder that does not exist yet. The small fixture
    is dirtier than the export checks tolerate (4 of its 10 opportunity rows share an id), so
    this run skips them; test_failed_export_checks_stop_the_run_before_building shows they stop
    a run."""
    duckdb_path = tmp_path_factory.mktemp("copy_run") / "not" / "yet" / "w.duckdb"
    cwd = os.getcwd()
    os.chdir(PROJECT_ROOT)
    try:
        exit_code, out, err = _run([
            "run", "--project-dir", str(project_copy), "--export", str(FIXTURES / "small"),
            "--duckdb", str(duckdb_path), "--skip-export-checks",
        ])
    finally:
        os.chdir(cwd)
    return SimpleNamespace(exit_code=exit_code, out=out, err=err, duckdb=duckdb_path)


@pytest.fixture(scope="module")
def cwd_run(project_copy, tmp_path_factory):
    """The same build run from the copy's folder, without --project-dir."""
    duckdb_path = tmp_path_factory.mktemp("cwd_run") / "w.duckdb"
    cwd = os.getcwd()
    os.chdir(project_copy)
    try:
        exit_code, out, err = _run([
            "run", "--export", str(FIXTURES / "small"), "--duckdb", str(duckdb_path), "--skip-export-checks",
        ])
    finally:
        os.chdir(cwd)
    return SimpleNamespace(exit_code=exit_code, out=out, err=err, duckdb=duckdb_path)


def test_the_project_named_by_project_dir_is_built_not_the_installed_one(copy_run, project_copy):
    assert copy_run.exit_code == 0, copy_run.out + copy_run.err
    assert f"Project: {project_copy}\n" in copy_run.out
    assert f"[2/3] Building the project {project_copy} on DuckDB ({copy_run.duckdb})" in copy_run.out
    # the copy's edit is in the build: the column exists only in the copy's model
    assert query(copy_run.duckdb, "select built_from from staging.stg_salesforce__export_as_of") == [(EDITED_MARK,)]
    # and dbt wrote into the copy, not into the checkout the package is installed from
    if not os.environ.get("DBT_TARGET_PATH"):
        assert (project_copy / "target" / "manifest.json").is_file()
    if not os.environ.get("DBT_LOG_PATH"):
        assert (project_copy / "logs" / "dbt.log").is_file()
        assert f"dbt's log: {project_copy / 'logs' / 'dbt.log'}" in copy_run.out


def test_the_project_in_the_current_directory_is_built(cwd_run, project_copy):
    assert cwd_run.exit_code == 0, cwd_run.out + cwd_run.err
    assert f"Project: {project_copy}\n" in cwd_run.out
    assert query(cwd_run.duckdb, "select built_from from staging.stg_salesforce__export_as_of") == [(EDITED_MARK,)]


def test_the_project_is_the_flag_else_the_current_directory_else_the_installed_one(project_copy, tmp_path,
                                                                                   monkeypatch):
    assert resolve_project_dir(project_copy) == project_copy
    monkeypatch.chdir(project_copy / "models")  # not the project's own folder
    assert resolve_project_dir() == PROJECT_ROOT
    monkeypatch.chdir(project_copy)
    assert resolve_project_dir() == project_copy == project_dir()
    # a folder whose dbt_project.yml is another project's is not this project
    (tmp_path / "dbt_project.yml").write_text("name: another_project\n")
    monkeypatch.chdir(tmp_path)
    assert resolve_project_dir() == PROJECT_ROOT


def test_a_missing_duckdb_folder_is_created(copy_run):
    assert copy_run.exit_code == 0, copy_run.err
    assert copy_run.duckdb.is_file()
    assert "Traceback" not in copy_run.err


def test_quiet_output_is_one_line_per_layer_and_no_dbt_line(copy_run):
    out = copy_run.out
    build = out[out.index("[2/3] Building"):out.index("Mart checks")]
    layers = re.findall(r"^  (\w+) +(\d+) nodes? +(.+?) +\d+\.\d s$", build, re.MULTILINE)
    names = [name for name, *_ in layers]
    # one line per layer, each once; the user's run skips the unit tests
    assert {"seeds", "staging", "intermediate", "marts", "tests"} <= set(names)
    assert len(names) == len(set(names)) and "unit" not in build
    assert all("success" in statuses or "pass" in statuses for _, _, statuses in layers)
    # the small fixture's one warning (a manual skip), in full
    assert "  warning: Warning in test warn_when_any_manual_skip_exists" in build
    # nothing of dbt's own console output
    for dbt_line in ("Running with dbt=", "Found ", "Concurrency:", "Finished running", "Completed successfully",
                     "START sql", "OK created"):
        assert dbt_line not in out
    assert len(build.splitlines()) < 20


def test_run_builds_and_prints_the_summary(copy_run):
    out = copy_run.out
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
    assert str(copy_run.duckdb) in out
    # the company scorecard of the fixture's only complete quarter, Q1 2025 (as of March 1st,
    # the quarter is still in progress): one deal won (0065g00000AbcdE, 12,000), one lost;
    # money in the corporate currency (USD, the var's default) with cents, rates with one decimal
    assert "Company scorecard, fiscal quarter 2025-01-01 to 2025-04-01 (quarter in progress):" in out
    assert re.search(r"Tier 1  bookings USD 12,000\.00 ", out)
    assert re.search(r"Tier 2  won 1 / lost 1   win rate 50\.0%   avg deal USD 12,000\.00\n", out)
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
    assert main(["run", "--vars", "[1, 2]"]) == 2
    assert "--vars must be a mapping" in capsys.readouterr().err
    assert main(["run", "--vars", "{as_of: [2026"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --vars is not YAML/JSON") and err.count("\n") == 1


@pytest.mark.parametrize("argv, message", [
    (["run", "--duckdb", "{tmp}"], "is a folder: give the DuckDB file to build"),
    (["run", "--project-dir", "{tmp}"], "holds no dbt project named revops_kpis"),
    (["summary", "--project-dir", "{tmp}/nowhere"], "holds no dbt project named revops_kpis"),
    (["run", "--export", "{tmp}/nowhere"], "no export folder at"),
])
def test_a_foreseeable_error_is_one_line_without_traceback(argv, message, tmp_path, capsys):
    argv = [item.replace("{tmp}", str(tmp_path)) for item in argv]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("error: ") and message in captured.err
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    # --debug shows the traceback instead
    with pytest.raises(Exception):
        main([*argv, "--debug"])


def test_a_project_dbt_cannot_parse_is_one_line_and_nothing_is_published(tmp_path, capsys):
    # dbt parses only (no build): a model that refers to a model the project does not have
    copy = _copy_project(tmp_path / "broken")
    (copy / "models" / "staging" / "stg_broken.sql").write_text("select * from {{ ref('no_such_model') }}\n")
    exit_code = main(["run", "--project-dir", str(copy), "--export", str(FIXTURES / "small"),
                      "--duckdb", str(tmp_path / "w.duckdb"), "--skip-export-checks"])
    err = capsys.readouterr().err
    assert exit_code == 1
    [line] = [line for line in err.splitlines() if line.startswith("error: ")]
    assert line.startswith(f"error: dbt cannot parse the project {copy}: ") and "no_such_model" in line
    assert "Traceback" not in err and f"Nothing was published at {tmp_path / 'w.duckdb'}" in err
    assert not (tmp_path / "w.duckdb").exists()


def test_a_duckdb_file_held_by_another_process_is_one_line(tmp_path, capsys):
    path = tmp_path / "held.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, sys, time; c = duckdb.connect({str(path)!r}); "
                               "c.execute('create table t as select 1 as x'); print('held', flush=True); "
                               "time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        assert main(["summary", "--duckdb", str(path)]) == 2
    finally:
        holder.kill()
        holder.wait()
    err = capsys.readouterr().err
    assert err.startswith(f"error: the DuckDB file is in use by another process (PID {holder.pid})")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"revops-kpis {__version__}\n"


@pytest.mark.parametrize("command, other", [("run", []), ("summary", []), ("export-parquet", ["--out", "x"])])
def test_a_bad_flag_prints_the_usage_of_its_subcommand(command, other, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([command, "--no-such-flag", *other])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"usage: revops-kpis {command} ")
    assert f"revops-kpis {command}: error: unrecognized arguments: --no-such-flag" in err


def test_every_option_has_a_help_text():
    from revops_kpis.cli import _parser

    parser, subcommands = _parser()
    for name, subcommand in {"revops-kpis": parser, **subcommands}.items():
        for action in subcommand._actions:
            if action.option_strings:
                assert action.help, f"{name} {action.option_strings} has no help"


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


# ------------------------------------------------------------------------------------------
# --crm hubspot: the HubSpot fixture (Fivetran tables) checked, built and summarised
# ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def hubspot_run(tmp_path_factory):
    """`run --crm hubspot` on a copy of the small HubSpot fixture, export checks included."""
    work = tmp_path_factory.mktemp("hubspot_run")
    export = copy_export("hubspot_small", work / "export")
    duckdb_path = work / "hubspot.duckdb"
    exit_code, out, err = _run(["run", "--crm", "hubspot", "--export", str(export), "--duckdb", str(duckdb_path)])
    return SimpleNamespace(exit_code=exit_code, out=out, err=err, duckdb=duckdb_path, export=export)


def _csv_data_rows(path) -> int:
    import csv

    with path.open(newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def test_run_crm_hubspot_checks_builds_and_summarises_in_hubspot_terms(hubspot_run):
    from revops_kpis.export_spec import load_spec

    assert hubspot_run.exit_code == 0, hubspot_run.err
    out = hubspot_run.out
    assert f"[1/3] Checking the export {hubspot_run.export} (HubSpot)" in out and "Export checks PASSED" in out
    # the build read HubSpot staging (the var crm_source), not the Salesforce objects
    assert query(hubspot_run.duckdb, "select count(*) from staging.stg_hubspot__row_accounting")[0][0] > 0
    summary = out[out.index("[3/3] Summary"):]
    assert f"CRM export: {hubspot_run.export} (HubSpot)" in summary
    assert "Stage order from the export's deal_pipeline_stage table" in summary
    assert "OpportunityStage" not in summary and "Opportunity " not in summary
    assert "staging.stg_hubspot__*" in summary and "stg_salesforce__" not in summary
    loaded = summary[summary.index("Rows loaded:"):summary.index("  total")].splitlines()
    assert loaded[1].split()[:2] == ["table", "raw"]
    rows = {line.split()[0]: line.split()[1:] for line in loaded[2:]}
    # one row per HubSpot table of the contract; the two the fixture lacks say so
    assert set(rows) == set(load_spec(crm="hubspot"))
    assert rows["merged_deal"] == rows["engagement_task"] == ["(not", "in", "the", "export)"]
    # raw rows: the CSV's data lines, counted here; deal.csv by hand (test_hubspot_staging):
    # 101, 102, 105 staged, 104 deleted, 103 of another pipeline quarantined
    for table, counts in rows.items():
        if counts[0] != "(not":
            assert int(counts[0]) == _csv_data_rows(hubspot_run.export / f"{table}.csv"), table
    assert rows["deal"] == ["5", "3", "1", "0", "1"]
    assert "deal                    other_pipeline" in summary


@pytest.mark.parametrize("crm, folder, looks_like", [
    ("hubspot", "small", "Salesforce"),
    ("salesforce", "hubspot_small", "HubSpot"),
])
def test_another_crms_folder_is_one_line_naming_the_crm_to_use(crm, folder, looks_like, tmp_path, capsys):
    exit_code = main(["run", "--crm", crm, "--export", str(FIXTURES / folder), "--duckdb", str(tmp_path / "w.duckdb")])
    captured = capsys.readouterr()
    assert exit_code == 2
    assert captured.err.startswith("error: ") and captured.err.count("\n") == 1
    assert f"looks like a {looks_like} export" in captured.err
    assert f"use --crm {looks_like.lower()}" in captured.err
    assert "Traceback" not in captured.err and "dbt" not in captured.err
    assert not (tmp_path / "w.duckdb").exists()


def test_crm_flag_and_crm_source_var_must_agree(tmp_path, capsys):
    assert main(["run", "--crm", "hubspot", "--vars", "{crm_source: salesforce}",
                 "--duckdb", str(tmp_path / "w.duckdb")]) == 2
    assert "name different CRMs" in capsys.readouterr().err


def test_check_export_crm_hubspot(tmp_path, capsys):
    export = copy_export("hubspot_small", tmp_path / "export")
    assert main(["check-export", "--crm", "hubspot", "--export", str(export),
                 "--report-dir", str(tmp_path / "report")]) == 0
    out = capsys.readouterr().out
    assert f"Checking HubSpot export {export}" in out and "Export checks PASSED" in out
    assert "- CRM: HubSpot" in (tmp_path / "report" / "export_checks.md").read_text()
    # a Salesforce folder checked as HubSpot: one line, exit 2
    assert main(["check-export", "--crm", "hubspot", "--export", str(FIXTURES / "small"),
                 "--report-dir", str(tmp_path / "report")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "use --crm salesforce" in err and err.count("\n") == 1
