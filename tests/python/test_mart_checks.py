"""The Great Expectations checks of the published marts (revops_kpis.mart_checks): a build of
the demo export passes, and violations planted in a copy of its DuckDB file fail, naming the
table and the column."""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest

from dbt_helpers import build
from revops_kpis.export_spec import PROJECT_ROOT
from revops_kpis.mart_checks import main, validate_marts

DEMO = PROJECT_ROOT / "data" / "demo_export"
MODELS_ONLY = ["--exclude", "resource_type:test", "resource_type:unit_test"]


@pytest.fixture(scope="module")
def demo_build(tmp_path_factory):
    return build(DEMO, tmp_path_factory.mktemp("marts"), selection=MODELS_ONLY)


@pytest.fixture(scope="module")
def demo_validation(demo_build, tmp_path_factory):
    return validate_marts(demo_build, tmp_path_factory.mktemp("report"))


def _planted(demo_build, tmp_path, *statements: str):
    """A copy of the built file with the statements applied, validated."""
    copy = tmp_path / "planted.duckdb"
    shutil.copyfile(demo_build, copy)
    with duckdb.connect(str(copy)) as connection:
        for statement in statements:
            connection.execute(statement)
    return validate_marts(copy, tmp_path / "report")


def _failed(validation) -> set[tuple[str, str | None]]:
    return {(outcome.table, outcome.column) for outcome in validation.failed}


def test_demo_marts_pass_and_every_table_is_checked(demo_build, demo_validation):
    assert demo_validation.success, demo_validation.summary()
    with duckdb.connect(str(demo_build), read_only=True) as connection:
        tables = {row[0] for row in connection.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()}
    assert {table.table for table in demo_validation.tables} == tables
    assert {"dim_opportunities", "rpt_data_quality", "dq_stage_progression"} <= tables
    # what was checked, for a few tables
    checks = {(o.table, o.column, o.expectation_type) for o in demo_validation.expectations}
    assert ("rpt_data_quality", "manual_skip_rate", "expect_column_values_to_be_between") in checks
    assert ("fct_stage_visits", "days_in_stage", "expect_column_values_to_be_between") in checks
    assert ("fct_leads", "first_response_minutes", "expect_column_values_to_be_between") in checks
    assert ("dim_opportunities", None, "expect_table_row_count_to_equal") in checks
    assert ("rpt_kpi_tier2_diagnostics", "grain, grain_id, period_grain, period_start",
            "expect_compound_columns_to_be_unique") in checks
    assert demo_validation.table("rpt_time_in_stage").key[-1] == "stage_name"
    # interaction values are deltas: not bounded
    assert ("fct_interactions", "interaction_value_amount", "expect_column_values_to_be_between") not in checks
    report = (demo_validation.report_dir / "mart_checks.md").read_text()
    assert "**Result: PASSED**" in report and "forecast_accuracy_rate" in report
    summary = json.loads((demo_validation.report_dir / "mart_checks.json").read_text())["summary"]
    assert summary["failed"] == 0 and summary["tables_checked"] == len(tables)


def test_dim_opportunities_rows_match_the_staged_opportunities(demo_validation, demo_build):
    with duckdb.connect(str(demo_build), read_only=True) as connection:
        staged = connection.execute(
            "select count(*) from staging.stg_crm__opportunities as o "
            "cross join staging.stg_crm__export_as_of as a where o.created_at <= a.as_of"
        ).fetchall()[0][0]
    (count_check,) = [o for o in demo_validation.table("dim_opportunities").outcomes
                      if o.expectation_type == "expect_table_row_count_to_equal"]
    assert count_check.expected_value == staged == count_check.observed_value


def test_a_rate_above_one_fails_naming_the_column(demo_build, tmp_path):
    validation = _planted(
        demo_build, tmp_path,
        "update marts.rpt_data_quality set manual_skip_rate = 1.5 "
        "where grain = 'company' and period_grain = 'year'",
    )
    assert not validation.success
    assert _failed(validation) == {("rpt_data_quality", "manual_skip_rate")}
    (outcome,) = validation.failed
    assert outcome.unexpected_count == 3 and outcome.sample_values == ["1.5"]
    assert "FAILED rpt_data_quality.manual_skip_rate: rate in 0..1" in validation.summary()
    assert "rpt_data_quality.manual_skip_rate" in (tmp_path / "report" / "mart_checks.md").read_text()


def test_documented_exceptions_are_allowed(demo_build, tmp_path):
    validation = _planted(
        demo_build, tmp_path,
        "update marts.rpt_kpi_tier2_diagnostics set forecast_accuracy_rate = -2.5 where grain = 'company'",
        "update marts.fct_interactions set interaction_value_amount = -100 "
        "where interaction_id in (select interaction_id from marts.fct_interactions limit 5)",
    )
    assert validation.success, validation.summary()


def test_negative_amounts_and_durations_fail(demo_build, tmp_path):
    validation = _planted(
        demo_build, tmp_path,
        "update marts.dim_opportunities set amount = -1 "
        "where opportunity_id in (select opportunity_id from marts.dim_opportunities limit 1)",
        "update marts.fct_stage_visits set days_in_stage = -0.5 where visit_number = 2",
        "update marts.fct_leads set first_response_minutes = -3 where first_response_minutes is not null",
    )
    assert _failed(validation) == {
        ("dim_opportunities", "amount"), ("fct_stage_visits", "days_in_stage"), ("fct_leads", "first_response_minutes"),
    }


def test_duplicate_keys_and_wrong_row_counts_fail(demo_build, tmp_path):
    validation = _planted(
        demo_build, tmp_path,
        "insert into marts.dim_reps select * from marts.dim_reps limit 1",
        "insert into marts.rpt_kpi_tier2_diagnostics select * from marts.rpt_kpi_tier2_diagnostics "
        "where grain = 'company' and period_grain = 'year' limit 1",
        "delete from marts.rpt_data_quality where grain = 'rep' and period_grain = 'month' "
        "and period_start = (select min(period_start) from marts.rpt_data_quality)",
    )
    assert _failed(validation) == {
        ("dim_reps", None),  # rows = reps identified
        ("dim_reps", "rep_id"),  # key unique
        ("rpt_kpi_tier2_diagnostics", None),  # rows = reps, teams and company x periods
        ("rpt_kpi_tier2_diagnostics", "grain, grain_id, period_grain, period_start"),
        ("rpt_data_quality", None),  # a month of rep rows missing
    }


def test_a_new_table_is_discovered_and_checked(demo_build, tmp_path):
    validation = _planted(
        demo_build, tmp_path,
        # a KPI table at every period of the spine (rpt_data_quality has no week rows)
        "create table marts.rpt_new_ratios as select grain, grain_id, period_grain, period_start, "
        "cast(2 as double) as odd_rate from marts.rpt_kpi_tier2_diagnostics",
    )
    assert _failed(validation) == {("rpt_new_ratios", "odd_rate")}


def test_command_line_exit_codes(demo_build, tmp_path, capsys):
    assert main(["--duckdb", str(demo_build), "--report-dir", str(tmp_path / "ok")]) == 0
    assert "Mart checks PASSED" in capsys.readouterr().out
    bad = tmp_path / "bad.duckdb"
    shutil.copyfile(demo_build, bad)
    with duckdb.connect(str(bad)) as connection:
        connection.execute("update marts.rpt_kpi_tier2_diagnostics set win_rate = 1.5 where grain = 'company'")
    assert main(["--duckdb", str(bad), "--report-dir", str(tmp_path / "bad")]) == 1
    assert "FAILED rpt_kpi_tier2_diagnostics.win_rate" in capsys.readouterr().out
    assert main(["--duckdb", str(tmp_path / "missing.duckdb"), "--report-dir", str(tmp_path / "none")]) == 2
    assert "no such DuckDB file" in capsys.readouterr().err
