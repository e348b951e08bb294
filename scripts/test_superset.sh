#!/usr/bin/env bash
# Proves a real BI tool reads the marts: Apache Superset, in its own virtual environment
# (.venv-superset, the exact versions of requirements-superset.lock), connects to the DuckDB
# warehouse through duckdb-engine, creates a dataset on marts.rpt_kpi_tier2_diagnostics and
# fetches chart data, which tests/superset compares with the mart read directly.
#
#   scripts/test_superset.sh            # the warehouse: REVOPS_DUCKDB_PATH, else target/revops_kpis.duckdb
#
# Builds the demo warehouse first when the file is missing. Superset's metadata database lives in
# a new temporary folder on every run. Cost: about 900 MB and 80 s to install the first time, a few
# seconds afterwards; about 40 s to run (migrations about 17 s, the tests about 10 s).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

. scripts/lib/python_env.sh
venv=.venv-superset
ensure_venv superset "$venv" requirements-superset.lock "about 900 MB the first time"

warehouse="$(realpath -m "${REVOPS_DUCKDB_PATH:-target/revops_kpis.duckdb}")"
if [ ! -f "$warehouse" ]; then
    echo "superset: no warehouse at $warehouse; building the demo export first"
    scripts/setup.sh
    DBT_PROFILES_DIR="$root" .venv/bin/revops-kpis run --duckdb "$warehouse"
fi

home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT
export SUPERSET_HOME="$home" SUPERSET_CONFIG_PATH="$root/tests/superset/superset_config.py"
export REVOPS_DUCKDB_PATH="$warehouse" FLASK_APP=superset SUPERSET_TEST_ADMIN_PASSWORD=admin
echo "superset: creating the metadata database in $home"
"$venv/bin/superset" db upgrade >"$home/setup.log" 2>&1 \
    && "$venv/bin/superset" fab create-admin --username admin --firstname Test --lastname Admin \
        --email admin@example.com --password "$SUPERSET_TEST_ADMIN_PASSWORD" >>"$home/setup.log" 2>&1 \
    && "$venv/bin/superset" init >>"$home/setup.log" 2>&1 \
    || { tail -n 40 "$home/setup.log" >&2; exit 1; }
"$venv/bin/python" -m pytest -q -p no:cacheprovider -W ignore::DeprecationWarning tests/superset "$@"
