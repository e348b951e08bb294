#!/usr/bin/env bash
# Starts the dashboard (Streamlit, dashboard/app.py) over the marts of a build:
#   scripts/dashboard.sh                      # http://127.0.0.1:8501
#   scripts/dashboard.sh --port 8600          # options of `revops-kpis dashboard` (--duckdb, --address, --port)
# Sets up .venv and, when the warehouse file (REVOPS_DUCKDB_PATH, else target/revops_kpis.duckdb)
# is missing, builds it from the export (CRM_EXPORT_PATH, else the demo export) first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export DBT_PROFILES_DIR="$PWD"
warehouse="$(realpath -m "${REVOPS_DUCKDB_PATH:-target/revops_kpis.duckdb}")"
if [ ! -f "$warehouse" ]; then
    echo "dashboard: no warehouse at $warehouse; building it first"
    .venv/bin/revops-kpis run --duckdb "$warehouse"
fi
export REVOPS_DUCKDB_PATH="$warehouse"
exec .venv/bin/revops-kpis dashboard "$@"
