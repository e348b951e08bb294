#!/usr/bin/env bash
# The Spark target, tested for real (warehouse mode, dbt-spark in session mode on a local pyspark):
#   1. .venv-spark with the exact versions of requirements-spark.lock (about 940 MB: 75 s the
#      first time, 25 s with pip's cache warm, nothing afterwards; Java 17 must be on the machine)
#   2. the DuckDB reference build of the export (file mode, models and seeds; .venv)
#   3. in one Python process (revops_kpis.spark_parity): the export loaded into a local Spark
#      catalog as a loader would (revops_kpis.warehouse_load --target spark), `dbt build` with
#      the profile's `spark` target (seeds, SQL models, data and unit tests), and every table
#      compared with the DuckDB build value by value
# Everything lands in target/spark/ (REVOPS_SPARK_DIR); the report in target/spark/parity.txt.
# About 5 minutes a run on two cores, 4 of them the dbt build (a local session is slow per query).
#
#   scripts/spark.sh                     the demo export
#   CRM_EXPORT_PATH=/path/to/export scripts/spark.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

command -v java >/dev/null 2>&1 || { echo "spark.sh: Java (17) is needed for pyspark" >&2; exit 1; }

. scripts/lib/python_env.sh
ensure_venv spark.sh .venv-spark requirements-spark.lock "about 940 MB the first time"

export DBT_PROFILES_DIR="$PWD" DBT_SEND_ANONYMOUS_USAGE_STATS=false
export_dir="$(realpath "${CRM_EXPORT_PATH:-data/demo_export}")"
spark_dir="${REVOPS_SPARK_DIR:-target/spark}"
mkdir -p "$spark_dir"
spark_dir="$(realpath "$spark_dir")"

echo "== DuckDB reference build of $export_dir"
rm -f "$spark_dir/reference.duckdb"
REVOPS_TARGET=duckdb REVOPS_DUCKDB_PATH="$spark_dir/reference.duckdb" CRM_EXPORT_PATH="$export_dir" \
    .venv/bin/dbt --quiet build --exclude-resource-type test unit_test --target-path "$spark_dir/duckdb_target"

echo "== Spark: load, dbt build, compare with DuckDB"
# the project's package from the source tree (it is not installed into .venv-spark)
PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" REVOPS_SPARK_DIR="$spark_dir" \
    .venv-spark/bin/python -m revops_kpis.spark_parity --export "$export_dir" \
    --duckdb "$spark_dir/reference.duckdb" --duckdb-manifest "$spark_dir/duckdb_target/manifest.json" \
    --spark-dir "$spark_dir"
