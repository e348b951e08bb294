"""The PostgreSQL target, tested for real: the demo export loaded into a local PostgreSQL
server as a loader would land it (revops_kpis.warehouse_load), the project built there in
warehouse mode (seeds, models, data tests, unit tests), and every table and view of every layer
(staging, intermediate and the published marts) compared value by value with the DuckDB build
of the same export (file mode, the default) by revops_kpis.parity.

The server comes from scripts/postgres.sh (started if needed and left running: scripts/test.sh
stops a server it started, `scripts/postgres.sh stop` any). Each run builds in a database of
its own, dropped afterwards, so runs do not clash. The test skips only on a machine that has
neither PostgreSQL nor apt-get to install it; anywhere else (CI included) a server that cannot
be started is a failure.

What legitimately differs: PostgreSQL runs no dbt Python models, so int_win_probability_model
is its SQL stand-in there (stage win rates instead of the fitted logistic regression; see
parity.MODEL_DEPENDENT_COLUMNS). Everything else must be equal: the same rows, texts, timestamps
and booleans exactly, numbers within a relative 1e-9.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from revops_kpis.dbt_project import run_dbt
from revops_kpis.export_spec import PROJECT_ROOT
from revops_kpis.parity import Engine, built_relations, compare_builds, compare_tables, duckdb_engine
from revops_kpis.warehouse_load import load_export

DEMO = PROJECT_ROOT / "data" / "demo_export"
POSTGRES_SCRIPT = PROJECT_ROOT / "scripts" / "postgres.sh"
# The run's own database on the server.
DATABASE = f"revops_parity_{os.getpid()}"
RAW_SCHEMA = "salesforce"
# The DuckDB side only builds (its tests run in scripts/test.sh's own dbt build).
DUCKDB_BUILD = ["build", "--exclude-resource-type", "test", "unit_test"]


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
        ["build"],
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
        DUCKDB_BUILD,
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
            # one stage-win-rate row per cut-off of the model
            cursor.execute("select distinct term, method from intermediate.int_win_probability_model")
            assert cursor.fetchall() == [("intercept", "stage_win_rate")]
            cursor.execute("select count(*), count(distinct fitted_at), sum(case when is_current then 1 else 0 end) "
                           "from intermediate.int_win_probability_model")
            rows, cutoffs, current = cursor.fetchone()
            assert rows == cutoffs > 1 and current == 1
            cursor.execute("select distinct probability_method from intermediate.int_interactions_scored")
            assert cursor.fetchall() == [("stage_win_rate",)]
    finally:
        connection.close()


def test_every_table_is_the_same_on_postgres_and_duckdb(builds):
    pg_relations = built_relations(builds["postgres_manifest"])
    duck_relations = built_relations(builds["duckdb_manifest"])
    assert len(pg_relations) >= 60, pg_relations
    assert {"dim_opportunities", "rpt_kpi_tier1_outcomes", "dq_stage_progression"} <= set(pg_relations)

    connection = _connect(builds["postgres_env"])
    duck = duckdb.connect(str(builds["duckdb_path"]), read_only=True)
    try:
        with connection.cursor() as cursor:

            def columns(schema: str, relation: str) -> list[str]:
                return _postgres_columns(cursor, schema, relation)

            def fetch(schema: str, relation: str, selected: list[str]) -> list[tuple]:
                select_list = ", ".join(f'"{c}"' for c in selected)
                cursor.execute(f'select {select_list} from "{schema}"."{relation}"')
                return cursor.fetchall()

            report = compare_builds(
                duckdb_engine(duck, duck_relations), Engine("PostgreSQL", pg_relations, columns, fetch)
            )
    finally:
        connection.close()
        duck.close()

    text = report.text(builds["timings"])
    print("\n" + text)
    assert not report.problems, "PostgreSQL and DuckDB differ:\n" + "\n".join(report.problems) + "\n\n" + text


def test_the_comparison_sees_a_difference():
    """The comparison itself can fail: a changed value, a missing row, a float beyond tolerance."""
    columns = ["id", "amount", "at"]
    rows = [("a", Decimal("1.50"), datetime(2025, 1, 1)), ("b", 2.0, None)]
    assert compare_tables("t", columns, rows, [("b", 2.0 + 1e-12, None), ("a", 1.5, datetime(2025, 1, 1))]) == []
    assert compare_tables("t", columns, rows, [("a", 1.5, datetime(2025, 1, 1)), ("b", 2.001, None)])
    assert compare_tables("t", columns, rows, [("a", 1.5, datetime(2025, 1, 1))])
    assert compare_tables("t", columns, rows, [("a", 1.5, datetime(2025, 1, 2)), ("b", 2.0, None)])
    assert compare_tables("t", ["flag"], [(True,)], [(1,)])
