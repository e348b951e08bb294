"""Helpers for end-to-end tests: copy and mutate fixture exports, build them with dbt in a
private DuckDB file and target folder, and read the results back."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb

from revops_kpis.dbt_project import run_dbt
from revops_kpis.export_spec import PROJECT_ROOT

FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "exports"
STAGING_SELECTION = [
    "--select", "resource_type:seed", "path:models/staging", "path:tests/staging",
    # only tests whose every parent is built (relationship tests from later layers point here)
    "--indirect-selection", "cautious",
]


def copy_export(name: str, destination: Path) -> Path:
    """A writable copy of a fixture export."""
    shutil.copytree(FIXTURES / name, destination)
    return destination


def read_rows(path: Path, encoding: str = "utf-8") -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding=encoding) as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write_rows(path: Path, header: list[str], rows: list[dict[str, str]], encoding: str = "utf-8") -> None:
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def split_report_footer(rows: list[list[str]]) -> tuple[list[list[str]], list[list[str]]]:
    """(rows above, footer) of a report export read with csv.reader: the footer Salesforce
    writes below a report's rows is a blank line (an empty row) and one value a line after it,
    to the end of the file. Rows without such a footer come back whole."""
    start = None
    for at in range(len(rows) - 1, 0, -1):
        if len(rows[at]) > 1:
            break
        if rows[at] == []:
            start = at
    return (rows, []) if start is None else (rows[:start], rows[start:])


def build(export_dir: Path, work_dir: Path, extra_vars: dict | None = None, selection: list[str] | None = None) -> Path:
    """Builds (seeds, staging models, their tests) on export_dir; returns the DuckDB file."""
    work_dir.mkdir(parents=True, exist_ok=True)
    duckdb_path = work_dir / "warehouse.duckdb"
    run_dbt(
        ["build", *(selection or STAGING_SELECTION)],
        export_path=export_dir,
        duckdb_path=duckdb_path,
        extra_vars=extra_vars,
        target_path=work_dir / "target",
        quiet=True,
    )
    return duckdb_path


def query(duckdb_path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(duckdb_path), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def accounting(duckdb_path: Path) -> dict[str, tuple[int, int, int, int, int]]:
    """object -> (raw, staged, deleted, duplicate, quarantined)"""
    rows = query(
        duckdb_path,
        "select object_name, raw_row_count, staged_row_count, deleted_row_count, duplicate_row_count, "
        "quarantined_row_count from staging.stg_crm__row_accounting",
    )
    return {row[0]: tuple(row[1:]) for row in rows}


def quarantine(duckdb_path: Path) -> set[tuple]:
    return set(
        query(
            duckdb_path,
            "select object_name, raw_key, raw_row_number, quarantine_reason from staging.stg_crm__quarantine",
        )
    )
