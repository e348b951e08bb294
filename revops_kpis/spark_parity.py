"""The Spark target, tested for real: an export loaded into a local Spark session's catalog as a
loader would land it (warehouse_load), the project built there with dbt-spark in session mode
(seeds, every SQL model with the Python model's SQL stand-in, the unit tests and the parsing
macros' tests), and every table and view compared value by value with a DuckDB build of the
same export (revops_kpis.parity).

The data tests (keys, relationships, reconciliations, ...) are functions of the tables: the
tables equal DuckDB's, where scripts/test.sh runs them, so they are left out by default (a
local Spark session answers a query in 1-3 s: its 500 data tests would add about 20 minutes).
`--all-tests` runs them too. The unit tests run the models' SQL on hand-made inputs and the
macro tests the parsing on literal values: those exercise Spark's own SQL, so they run.

The win-probability Python model runs on Spark only through dbt-databricks (dbt-spark's session
mode runs no Python models; the build uses its SQL stand-in). Its code path for a Spark
DataFrame is checked here all the same: the model's `model()` is called with the Spark build's
training moments, and the coefficients must equal those the DuckDB build fitted.

Run it through scripts/spark.sh, which sets up .venv-spark (requirements-spark.lock) and makes
the DuckDB reference build first. Everything happens in one process: the session this module
opens (spark_session, the settings of the profile's `spark` target) is the one dbt-spark's
session mode finds and reuses, so the JVM starts once. Each run starts from an empty warehouse
and metastore under --spark-dir.

    python -m revops_kpis.spark_parity --export data/demo_export \\
        --duckdb target/spark/reference.duckdb --duckdb-manifest target/spark/duckdb_target/manifest.json

Exit status 0 when every table is the same on both engines, 1 otherwise (the differences are
printed and written to <spark-dir>/parity.txt with the per-table summary).
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import time
from pathlib import Path

from revops_kpis.export_spec import PROJECT_ROOT
from revops_kpis.parity import Engine, built_relations, compare_builds, compare_tables, duckdb_engine

RAW_SCHEMA = "salesforce"
# seeds, models, unit tests and the parsing macros' tests; not the tests attached to models
BUILD_SELECTION = [
    "--select", "resource_type:seed", "resource_type:model", "test_type:unit", "path:tests/macros",
    "--indirect-selection", "empty",
]
PYTHON_MODEL = PROJECT_ROOT / "models" / "intermediate" / "sales" / "win_probability" / "int_win_probability_model.py"


class _DbtStandIn:
    """The `dbt` object a Python model receives, as dbt-databricks passes it: config(...),
    config.get('meta') and ref(name) -> a Spark DataFrame."""

    def __init__(self, spark, relations: dict[str, tuple[str, str]], meta: dict):
        self._spark = spark
        self._relations = relations
        self._meta = meta
        self.config = self._Config(meta)

    class _Config:
        def __init__(self, meta: dict):
            self._meta = meta

        def __call__(self, **_settings) -> None:
            return None

        def get(self, key: str, default=None):
            return self._meta if key == "meta" else default

    def ref(self, name: str):
        schema, relation = self._relations[name]
        return self._spark.table(f"`{schema}`.`{relation}`")


def check_python_model_on_spark(spark, duck, spark_relations, duckdb_manifest: Path) -> tuple[list[str], str]:
    """Runs the Python model's model() on the Spark build's DataFrame; compares with DuckDB's."""
    import importlib.util
    import json

    manifest = json.loads(Path(duckdb_manifest).read_text())
    node = manifest["nodes"]["model.revops_kpis.int_win_probability_model"]
    spec = importlib.util.spec_from_file_location("int_win_probability_model", PYTHON_MODEL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    frame = module.model(_DbtStandIn(spark, spark_relations, node["config"]["meta"]), spark)
    columns = list(frame.columns)
    spark_rows = [tuple(row) for row in frame.collect()]
    select_list = ", ".join(f'"{c}"' for c in columns)
    duck_rows = duck.execute(f'select {select_list} from "{node["schema"]}"."{node["alias"]}"').fetchall()
    problems = compare_tables("int_win_probability_model (Python, Spark DataFrame)", columns, duck_rows,
                              spark_rows, "DuckDB", "Spark")
    return problems, f"int_win_probability_model (Python model on a Spark DataFrame): {len(spark_rows)} terms"


def spark_engine(spark, relations: dict[str, tuple[str, str]]) -> Engine:
    def columns(schema: str, relation: str) -> list[str]:
        return list(spark.table(f"`{schema}`.`{relation}`").columns)

    def fetch(schema: str, relation: str, selected: list[str]) -> list[tuple]:
        select_list = ", ".join(f"`{c}`" for c in selected)
        return [tuple(row) for row in spark.sql(f"select {select_list} from `{schema}`.`{relation}`").collect()]

    return Engine("Spark", relations, columns, fetch)


def run(export: Path, duckdb_path: Path, duckdb_manifest: Path, spark_dir: Path, all_tests: bool = False) -> int:
    # Spark hands timestamps to Python as naive local times: make local time UTC, as stored
    os.environ["TZ"] = "UTC"
    time.tzset()
    spark_dir = spark_dir if spark_dir.is_absolute() else PROJECT_ROOT / spark_dir
    for stale in ("warehouse", "metastore_db", "dbt_target"):
        shutil.rmtree(spark_dir / stale, ignore_errors=True)
    spark_dir.mkdir(parents=True, exist_ok=True)

    from revops_kpis.dbt_project import DbtRunError, run_dbt
    from revops_kpis.warehouse_load import load_export, spark_session

    timings: dict[str, float] = {}
    started = time.perf_counter()
    spark = spark_session(spark_dir)
    spark.sparkContext.setLogLevel("ERROR")
    timings["Spark start"] = time.perf_counter() - started

    started = time.perf_counter()
    loaded = load_export(export, "spark", RAW_SCHEMA, connection=spark)
    timings["load into Spark"] = time.perf_counter() - started
    print(f"spark_parity: loaded {sum(loaded.values())} rows into {len(loaded)} tables of {RAW_SCHEMA}", flush=True)

    # pyspark logs every failed statement at ERROR, including the ones dbt expects to fail and
    # handles (unit tests probe their fixtures' relations); dbt reports real failures itself
    logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)
    started = time.perf_counter()
    target_path = spark_dir / "dbt_target"
    try:
        run_dbt(
            ["build"] if all_tests else ["build", *BUILD_SELECTION],
            extra_vars={"crm_source_mode": "warehouse", "crm_raw_schema": RAW_SCHEMA},
            target_path=target_path,
            quiet=True,
            env={"REVOPS_TARGET": "spark", "REVOPS_SPARK_DIR": str(spark_dir)},
        )
    except DbtRunError as exc:
        print(f"spark_parity: dbt build on Spark failed:\n{exc}", file=sys.stderr)
        return 1
    timings["dbt build on Spark"] = time.perf_counter() - started

    import duckdb

    started = time.perf_counter()
    spark_relations = built_relations(target_path / "manifest.json")
    with duckdb.connect(str(duckdb_path), read_only=True) as duck:
        report = compare_builds(
            duckdb_engine(duck, built_relations(duckdb_manifest)), spark_engine(spark, spark_relations)
        )
        timings["comparison"] = time.perf_counter() - started
        started = time.perf_counter()
        problems, line = check_python_model_on_spark(spark, duck, spark_relations, duckdb_manifest)
        report.problems += problems
        report.summary.append(line)
        timings["Python model on Spark"] = time.perf_counter() - started
    spark.stop()

    text = report.text(timings)
    if report.problems:
        text = "Spark and DuckDB differ:\n" + "\n".join(report.problems) + "\n\n" + text
    (spark_dir / "parity.txt").write_text(text + "\n")
    print(text)
    if report.problems:
        return 1
    print(f"spark_parity: {report.compared_models} models the same on Spark and DuckDB")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m revops_kpis.spark_parity", description=__doc__.split("\n\n")[0])
    parser.add_argument("--export", type=Path, default=PROJECT_ROOT / "data" / "demo_export")
    parser.add_argument("--duckdb", type=Path, required=True, help="the DuckDB build of the same export")
    parser.add_argument("--duckdb-manifest", type=Path, required=True, help="that build's manifest.json")
    parser.add_argument("--spark-dir", type=Path, default=Path(os.environ.get("REVOPS_SPARK_DIR", "target/spark")))
    parser.add_argument("--all-tests", action="store_true", help="run every data test on Spark too (about 20 min more)")
    args = parser.parse_args(argv)
    return run(args.export.resolve(), args.duckdb.resolve(), args.duckdb_manifest.resolve(), args.spark_dir,
               args.all_tests)


if __name__ == "__main__":
    sys.exit(main())
