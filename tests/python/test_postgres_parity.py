"""The PostgreSQL target, tested for real: the demo export loaded into a local PostgreSQL
server as a loader would land it (revops_kpis.warehouse_load), the project built there in
warehouse mode (seeds, models, data tests, unit tests), and every table and view of the
staging and intermediate layers compared value by value with the DuckDB build of the same
export (file mode, the default).

The server comes from scripts/postgres.sh (started if needed and left running: scripts/test.sh
stops a server it started, `scripts/postgres.sh stop` any). Each run builds in a database of
its own, dropped afterwards, so runs do not clash. The test skips only on a machine that has
neither PostgreSQL nor apt-get to install it; anywhere else (CI included) a server that cannot
be started is a failure.

What legitimately differs: PostgreSQL runs no dbt Python models, so int_win_probability_model
is its SQL stand-in there (stage win rates instead of the fitted logistic regression; see
MODEL_DEPENDENT_COLUMNS). Everything else must be equal: the same rows, texts, timestamps and
booleans exactly, numbers within a relative 1e-9.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import time
from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from revops_kpis.dbt_project import run_dbt
from revops_kpis.export_spec import PROJECT_ROOT
from revops_kpis.warehouse_load import load_export

DEMO = PROJECT_ROOT / "data" / "demo_export"
POSTGRES_SCRIPT = PROJECT_ROOT / "scripts" / "postgres.sh"
# The run's own database on the server.
DATABASE = f"revops_parity_{os.getpid()}"
RAW_SCHEMA = "salesforce"
LAYERS = ("models/staging/", "models/intermediate/")
# The marts are not compared yet: their unit tests compare decimals with their scale on
# PostgreSQL (0.00 vs 0) and need quoted expectations first.
EXCLUDE = ["--exclude", "path:models/marts"]

# Columns computed from the win-probability model, which is the fitted Python model on DuckDB
# and the SQL stand-in on PostgreSQL. A model listed with None is not compared at all.
MODEL_DEPENDENT_COLUMNS: dict[str, set[str] | None] = {
    # the model itself: 11 fitted terms on DuckDB, one stand-in row on PostgreSQL
    "int_win_probability_model": None,
    # probabilities before/after an interaction, their change and the interaction's value
    "int_interactions_scored": {
        "probability_before", "probability_after", "probability_delta",
        "interaction_value_amount", "probability_method",
    },
    # which moments fall in which decile depends on the predictions; the decile numbers and
    # their sizes (ntile of the same held-out moments) do not
    "int_win_probability_calibration": {
        "probability_method", "mean_predicted_probability", "observed_win_rate",
        "min_predicted_probability", "max_predicted_probability", "brier_score",
    },
}
RELATIVE_TOLERANCE = 1e-9
ABSOLUTE_TOLERANCE = 1e-9
MAX_REPORTED = 8


# ---------------------------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------------------------
def _postgres_available() -> bool:
    return (
        shutil.which("initdb") is not None
        or any(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        or shutil.which("apt-get") is not None
    )


def _postgres_script(command: str, environment: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(POSTGRES_SCRIPT), command], env=environment, capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def postgres_env():
    """The server (scripts/postgres.sh) with the run's database; its REVOPS_PG_* variables."""
    environment = {**os.environ, "REVOPS_PG_DATABASE": DATABASE}
    completed = _postgres_script("start", environment)
    if completed.returncode != 0:
        if not _postgres_available() and not os.environ.get("CI"):
            pytest.skip("PostgreSQL is not installed and there is no apt-get to install it: "
                        f"scripts/postgres.sh said {completed.stderr.strip()!r}")
        pytest.fail(f"scripts/postgres.sh start failed:\n{completed.stdout}\n{completed.stderr}")
    env = {}
    for line in completed.stdout.splitlines():
        if line.startswith("export ") and "=" in line:
            key, value = line[len("export "):].split("=", 1)
            env[key] = value
    assert env.get("REVOPS_PG_DATABASE") == DATABASE, completed.stdout
    yield env
    connection = _connect({**env, "REVOPS_PG_DATABASE": "postgres"})
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'drop database if exists "{DATABASE}" with (force)')
    finally:
        connection.close()


def _connect(env: dict[str, str]):
    import psycopg2

    return psycopg2.connect(
        host=env["REVOPS_PG_HOST"], port=int(env["REVOPS_PG_PORT"]),
        user=env["REVOPS_PG_USER"], dbname=env["REVOPS_PG_DATABASE"],
    )


# ---------------------------------------------------------------------------------------------
# The two builds
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def builds(postgres_env, tmp_path_factory):
    work = tmp_path_factory.mktemp("parity")
    timings: dict[str, float] = {}

    started = time.perf_counter()
    connection = _connect(postgres_env)
    try:
        loaded = load_export(DEMO, "postgres", RAW_SCHEMA, connection=connection)
    finally:
        connection.close()
    timings["load into PostgreSQL"] = time.perf_counter() - started

    started = time.perf_counter()
    run_dbt(
        ["build", *EXCLUDE],
        extra_vars={"crm_source_mode": "warehouse", "crm_raw_schema": RAW_SCHEMA},
        target_path=work / "pg_target",
        quiet=True,
        env={**postgres_env, "REVOPS_TARGET": "postgres"},
    )
    timings["dbt build on PostgreSQL"] = time.perf_counter() - started

    started = time.perf_counter()
    duckdb_path = work / "duckdb" / "warehouse.duckdb"
    duckdb_path.parent.mkdir()
    run_dbt(
        ["build", *EXCLUDE],
        export_path=DEMO,
        duckdb_path=duckdb_path,
        target_path=work / "duckdb_target",
        quiet=True,
        env={"REVOPS_TARGET": "duckdb"},
    )
    timings["dbt build on DuckDB"] = time.perf_counter() - started
    return {
        "postgres_env": postgres_env,
        "postgres_manifest": work / "pg_target" / "manifest.json",
        "duckdb_manifest": work / "duckdb_target" / "manifest.json",
        "duckdb_path": duckdb_path,
        "loaded": loaded,
        "timings": timings,
    }


def _layer_relations(manifest_path: Path) -> dict[str, tuple[str, str]]:
    """model name -> (schema, relation name) of every enabled staging and intermediate model."""
    import json

    manifest = json.loads(manifest_path.read_text())
    relations = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or not node["original_file_path"].startswith(LAYERS):
            continue
        if node["config"].get("materialized") == "ephemeral":
            continue
        relations[node["name"]] = (node["schema"], node["alias"] or node["name"])
    return relations


# ---------------------------------------------------------------------------------------------
# Comparing values
# ---------------------------------------------------------------------------------------------
def _is_number(value) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _same(left, right) -> bool:
    if left is None or right is None:
        return left is None and right is None
    if _is_number(left) and _is_number(right):
        if isinstance(left, int) and isinstance(right, int):
            return left == right
        left, right = float(left), float(right)
        if math.isinf(left) or math.isinf(right) or math.isnan(left) or math.isnan(right):
            return left == right or (math.isnan(left) and math.isnan(right))
        return math.isclose(left, right, rel_tol=RELATIVE_TOLERANCE, abs_tol=ABSOLUTE_TOLERANCE)
    if type(left) is not type(right) and not (isinstance(left, date) and isinstance(right, date)):
        return False
    return left == right


def _sort_value(value):
    """A sort key that orders None, booleans, numbers, dates/times and texts consistently
    across engines; numbers rounded so that float noise cannot reorder rows."""
    if value is None:
        return (0, 0)
    if isinstance(value, bool):
        return (1, int(value))
    if _is_number(value):
        number = float(value)
        return (2, number if math.isinf(number) or math.isnan(number) else round(number, 6))
    if isinstance(value, datetime):
        return (3, value.isoformat())
    if isinstance(value, date):
        return (3, value.isoformat())
    return (4, str(value))


def _row_key(row: tuple, float_positions: list[int]) -> tuple:
    # exact columns first: ties among them are broken by the (rounded) numbers
    exact = [i for i in range(len(row)) if i not in float_positions]
    return tuple(_sort_value(row[i]) for i in exact) + tuple(_sort_value(row[i]) for i in float_positions)


def _fractional_positions(rows: list[tuple]) -> list[int]:
    """Columns holding non-integer numbers in any row (their last digits may differ)."""
    positions = set()
    for row in rows:
        for i, value in enumerate(row):
            if isinstance(value, (float, Decimal)):
                positions.add(i)
    return sorted(positions)


def compare_tables(name: str, columns: list[str], duck_rows: list[tuple], pg_rows: list[tuple]) -> list[str]:
    """Differences between two results with the same columns, as readable lines."""
    float_positions = _fractional_positions(duck_rows + pg_rows)
    duck_sorted = sorted(duck_rows, key=lambda row: _row_key(row, float_positions))
    pg_sorted = sorted(pg_rows, key=lambda row: _row_key(row, float_positions))
    problems: list[str] = []
    if len(duck_sorted) != len(pg_sorted):
        problems.append(f"{name}: {len(duck_sorted)} rows on DuckDB, {len(pg_sorted)} on PostgreSQL")
        duck_by_key = {_row_key(row, float_positions): row for row in duck_sorted}
        pg_by_key = {_row_key(row, float_positions): row for row in pg_sorted}
        duck_keys = Counter(_row_key(row, float_positions) for row in duck_sorted)
        pg_keys = Counter(_row_key(row, float_positions) for row in pg_sorted)
        for engine, keys, rows in (
            ("DuckDB", duck_keys - pg_keys, duck_by_key),
            ("PostgreSQL", pg_keys - duck_keys, pg_by_key),
        ):
            for key in list(keys.elements())[:MAX_REPORTED]:
                problems.append(f"{name}: only on {engine}: {dict(zip(columns, rows[key]))}")
        return problems
    for number, (duck_row, pg_row) in enumerate(zip(duck_sorted, pg_sorted), start=1):
        for column, duck_value, pg_value in zip(columns, duck_row, pg_row):
            if not _same(duck_value, pg_value):
                problems.append(
                    f"{name}: row {number} (sorted), column {column}: DuckDB {duck_value!r}, "
                    f"PostgreSQL {pg_value!r}; DuckDB row {dict(zip(columns, duck_row))}"
                )
                if len(problems) >= MAX_REPORTED:
                    problems.append(f"{name}: ... (further differences not shown)")
                    return problems
    return problems


def _postgres_columns(cursor, schema: str, relation: str) -> list[str]:
    cursor.execute(
        "select column_name from information_schema.columns where table_schema = %s and table_name = %s "
        "order by ordinal_position",
        (schema, relation),
    )
    return [row[0] for row in cursor.fetchall()]


# ---------------------------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------------------------
def test_the_loader_lands_every_object_of_the_demo_export(builds):
    import csv

    for table, rows in builds["loaded"].items():
        assert rows > 0, table
    with (DEMO / "Task.csv").open(newline="") as handle:
        assert builds["loaded"]["task"] == sum(1 for _ in csv.DictReader(handle))


def test_the_python_model_is_replaced_by_its_sql_stand_in_on_postgres(builds):
    connection = _connect(builds["postgres_env"])
    try:
        with connection.cursor() as cursor:
            cursor.execute("select term, method from intermediate.int_win_probability_model")
            assert cursor.fetchall() == [("intercept", "stage_win_rate")]
            cursor.execute("select distinct probability_method from intermediate.int_interactions_scored")
            assert cursor.fetchall() == [("stage_win_rate",)]
    finally:
        connection.close()


def test_staging_and_intermediate_tables_are_the_same_on_postgres_and_duckdb(builds):
    pg_relations = _layer_relations(builds["postgres_manifest"])
    duck_relations = _layer_relations(builds["duckdb_manifest"])
    assert set(pg_relations) == set(duck_relations), (
        "models built on one engine only: "
        f"{sorted(set(pg_relations) ^ set(duck_relations))}"
    )
    assert len(pg_relations) >= 20, pg_relations

    problems: list[str] = []
    summary: list[str] = []
    compared_rows = 0
    connection = _connect(builds["postgres_env"])
    duck = duckdb.connect(str(builds["duckdb_path"]), read_only=True)
    try:
        with connection.cursor() as cursor:
            for name in sorted(pg_relations):
                skipped = MODEL_DEPENDENT_COLUMNS.get(name, set())
                if skipped is None:
                    summary.append(f"{name}: not compared (the Python model / its SQL stand-in)")
                    continue
                pg_schema, pg_relation = pg_relations[name]
                duck_schema, duck_relation = duck_relations[name]
                pg_columns = _postgres_columns(cursor, pg_schema, pg_relation)
                duck_columns = [row[0] for row in duck.execute(
                    "select column_name from information_schema.columns where table_schema = ? "
                    "and table_name = ? order by ordinal_position", [duck_schema, duck_relation]).fetchall()]
                if pg_columns != duck_columns:
                    problems.append(f"{name}: columns differ: DuckDB {duck_columns}, PostgreSQL {pg_columns}")
                    continue
                columns = [c for c in pg_columns if c not in skipped]
                select_list = ", ".join(f'"{c}"' for c in columns)
                cursor.execute(f'select {select_list} from "{pg_schema}"."{pg_relation}"')
                pg_rows = cursor.fetchall()
                duck_rows = duck.execute(f'select {select_list} from "{duck_schema}"."{duck_relation}"').fetchall()
                problems += compare_tables(name, columns, duck_rows, pg_rows)
                compared_rows += len(pg_rows)
                note = f" (not compared: {', '.join(sorted(skipped))})" if skipped else ""
                summary.append(f"{name}: {len(pg_rows)} rows x {len(columns)} columns{note}")
    finally:
        connection.close()
        duck.close()

    timings = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in builds["timings"].items())
    report = "\n".join(summary) + f"\n{len(summary)} models, {compared_rows} rows compared; {timings}"
    print("\n" + report)
    assert not problems, "PostgreSQL and DuckDB differ:\n" + "\n".join(problems) + "\n\n" + report


def test_the_comparison_sees_a_difference():
    """The comparison itself can fail: a changed value, a missing row, a float beyond tolerance."""
    columns = ["id", "amount", "at"]
    rows = [("a", Decimal("1.50"), datetime(2025, 1, 1)), ("b", 2.0, None)]
    assert compare_tables("t", columns, rows, [("b", 2.0 + 1e-12, None), ("a", 1.5, datetime(2025, 1, 1))]) == []
    assert compare_tables("t", columns, rows, [("a", 1.5, datetime(2025, 1, 1)), ("b", 2.001, None)])
    assert compare_tables("t", columns, rows, [("a", 1.5, datetime(2025, 1, 1))])
    assert compare_tables("t", columns, rows, [("a", 1.5, datetime(2025, 1, 2)), ("b", 2.0, None)])
    assert compare_tables("t", ["flag"], [(True,)], [(1,)])
