"""An incremental run leaves exactly what a full refresh builds.

Each scenario builds an earlier export in full, then builds a later export on top of it
without --full-refresh, and builds the later export in full in another warehouse; every
table and view of every schema the project writes (staging, intermediate, marts, semantic)
must be the same in both, row for row (doubles within 1e-9 relative: see
revops_kpis.benchmark.compare)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import DEMO, MODELS_ONLY
from dbt_helpers import query, read_rows, write_rows
from revops_kpis.benchmark.compare import compare_warehouses, differences
from revops_kpis.benchmark.rewind import cut_for_fraction, rewind_export
from revops_kpis.dbt_project import DbtRunError, run_dbt

SCHEMAS = ["staging", "intermediate", "marts", "semantic"]
# the models built incrementally: the base models whose checks read only their own row
# (strategy replace_raw_rows)
INCREMENTAL_MODELS = [
    "base_salesforce__account_rows", "base_salesforce__currency_type_rows", "base_salesforce__dated_conversion_rate_rows",
    "base_salesforce__event_rows",
    "base_salesforce__forecasting_quota_rows", "base_salesforce__lead_rows",
    "base_salesforce__opportunity_field_history_rows", "base_salesforce__opportunity_stage_rows",
    "base_salesforce__task_rows", "base_salesforce__user_rows",
]


def _build(export: Path, warehouse: Path, target: Path, full_refresh: bool, extra_vars: dict | None = None) -> None:
    run_dbt(["build", *MODELS_ONLY, *(["--full-refresh"] if full_refresh else [])], export_path=export,
            duckdb_path=warehouse, target_path=target, extra_vars=extra_vars, quiet=True)


def _differences(left: Path, right: Path) -> dict:
    found = {}
    for schema in SCHEMAS:
        compared = compare_warehouses(left, right, schema=schema)
        assert compared, f"no tables in schema {schema}"
        found.update({f"{schema}.{name}": detail for name, detail in differences(compared).items()})
    return found


def _ran_incrementally(target: Path) -> list[str]:
    """The models whose last run went through an incremental strategy (a delete, then an insert)."""
    run_folder = target / "run" / "revops_kpis" / "models"
    return sorted(path.stem for path in run_folder.rglob("*.sql") if "delete from" in path.read_text())


def _incremental_equals_full(before_warehouse: Path, after: Path, work: Path, extra_vars: dict | None = None) -> Path:
    incremental = work / "incremental.duckdb"
    shutil.copyfile(before_warehouse, incremental)
    _build(after, incremental, work / "target-incremental", full_refresh=False, extra_vars=extra_vars)
    assert _ran_incrementally(work / "target-incremental") == INCREMENTAL_MODELS
    full = work / "full.duckdb"
    _build(after, full, work / "target-full", full_refresh=True, extra_vars=extra_vars)
    assert _differences(incremental, full) == {}
    return incremental


@pytest.fixture(scope="module")
def before(tmp_path_factory) -> tuple[Path, Path]:
    """The demo export rewound to the moment after which 1% of its activity happened, built
    in full: (export folder, warehouse)."""
    work = tmp_path_factory.mktemp("incremental_before")
    export = work / "export"
    rewind_export(DEMO, export, cut_for_fraction(DEMO, 0.01))
    warehouse = work / "before.duckdb"
    _build(export, warehouse, work / "target", full_refresh=True)
    return export, warehouse


def test_incremental_run_after_a_one_percent_delta_equals_a_full_refresh(before, tmp_path):
    # the later export: the demo itself (new history rows and interactions, deals closed,
    # owners changed, tasks completed, leads converted since the cut)
    _incremental_equals_full(before[1], DEMO, tmp_path)


def _edited_export(source: Path, destination: Path) -> Path:
    """`source` with edits an incremental run must see through: rows that move (a task
    removed from the middle shifts every later row), an identical copy (duplicate), a second
    version of a key (both quarantined as conflicting), a newly unreadable row, an export
    that got shorter (events cut off at the end), and a conflict resolved (a user's second
    version removed), and a deal deleted (its rows in the features must go).
    Returns (export, the deleted deal's id)."""
    shutil.copytree(source, destination)
    header, tasks = read_rows(destination / "Task.csv")
    deleted_deal = next(task["WhatId"] for task in tasks if task["WhatId"].startswith("006"))
    middle = len(tasks) // 2
    copied, second_version = tasks[10], dict(tasks[20])
    second_version["Subject"] = (second_version["Subject"] or "") + " (edited)"
    unreadable = dict(tasks[30])
    unreadable["CompletedDateTime"] = "yesterday"
    tasks = tasks[:middle] + tasks[middle + 1:]
    tasks[30] = unreadable
    write_rows(destination / "Task.csv", header, tasks + [copied, second_version])
    header, events = read_rows(destination / "Event.csv")
    write_rows(destination / "Event.csv", header, events[:-5])
    header, deals = read_rows(destination / "Opportunity.csv")
    write_rows(destination / "Opportunity.csv", header, [deal for deal in deals if deal["Id"] != deleted_deal])
    return destination, deleted_deal


def test_incremental_run_sees_moved_vanished_and_colliding_rows(before, tmp_path):
    export, warehouse = before
    # a user with two versions in the earlier export, and only one in the later
    header, users = read_rows(export / "User.csv")
    conflicted = dict(users[3])
    conflicted["Name"] = conflicted["Name"] + " (renamed)"
    earlier = tmp_path / "earlier"
    shutil.copytree(export, earlier)
    write_rows(earlier / "User.csv", header, users + [conflicted])
    earlier_warehouse = tmp_path / "earlier.duckdb"
    _build(earlier, earlier_warehouse, tmp_path / "target-earlier", full_refresh=True)

    later, deleted_deal = _edited_export(export, tmp_path / "later")
    features_of_deleted_deal = ("select count(*) from intermediate.int_win_probability_moments "
                                f"where opportunity_id = '{deleted_deal}'")
    assert query(earlier_warehouse, features_of_deleted_deal)[0][0] > 0
    incremental = _incremental_equals_full(earlier_warehouse, later, tmp_path)
    assert query(incremental, features_of_deleted_deal) == [(0,)]

    # the edits reached the base models: the copy is a duplicate, the two versions are
    # quarantined, the events past the new end are gone, the user is staged again
    statuses = dict(query(incremental, "select quarantine_reason, count(*) from staging.base_salesforce__task_rows "
                                       "where row_status = 'quarantined' group by 1"))
    assert statuses.get("conflicting_duplicate_id") == 2
    assert query(incremental, "select count(*) from staging.base_salesforce__task_rows where row_status = 'duplicate'")[0][0] >= 1
    assert statuses.get("invalid_timestamp", 0) >= 1
    assert query(incremental, "select count(*) from staging.base_salesforce__event_rows") == [(len(read_rows(later / "Event.csv")[1]),)]
    assert query(incremental, f"select row_status from staging.base_salesforce__user_rows where id = '{users[3]['Id']}'") == [("staged",)]


def test_a_changed_setting_reparses_every_row(before, tmp_path):
    export, _ = before
    # timestamps written without an offset are read in the var crm_export_timezone: the same
    # export built again under another time zone must not reuse a single stored row
    naive = tmp_path / "naive"
    shutil.copytree(export, naive)
    for name in ["Task.csv", "Event.csv"]:
        header, rows = read_rows(naive / name)
        for row in rows:
            for column in header:
                if column.endswith(("DateTime", "CreatedDate")) and row[column].endswith(".000Z"):
                    row[column] = row[column].removesuffix(".000Z").replace("T", " ")
        write_rows(naive / name, header, rows)
    warehouse = tmp_path / "utc.duckdb"
    _build(naive, warehouse, tmp_path / "target-utc", full_refresh=True)
    _incremental_equals_full(warehouse, naive, tmp_path, extra_vars={"crm_export_timezone": "America/New_York"})


@pytest.mark.parametrize("model, column", [
    ("staging.base_salesforce__user_rows", "_build_fingerprint"),
])
def test_a_table_without_bookkeeping_columns_asks_for_a_full_refresh(before, tmp_path, model, column):
    # a table built by an earlier version of the project (before the bookkeeping columns):
    # the incremental run stops with what to do instead of a binder error
    export, warehouse = before
    stale = tmp_path / "stale.duckdb"
    shutil.copyfile(warehouse, stale)
    with duckdb.connect(str(stale)) as connection:
        connection.execute(f"alter table {model} drop column {column}")
    with pytest.raises(DbtRunError) as failure:
        run_dbt(["run", "--select", model.split(".")[1]], export_path=export, duckdb_path=stale,
                target_path=tmp_path / "target", quiet=True)
    assert f"has no column {column}: it was built by an earlier version" in str(failure.value)
    assert "revops-kpis run --full-refresh" in str(failure.value)
