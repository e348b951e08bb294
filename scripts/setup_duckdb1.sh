#!/usr/bin/env bash
# Creates .venv-duckdb1: DuckDB 1.x (requirements-duckdb1.lock), the kind of reader BI tools
# embed, to check that the warehouse file the build writes opens there
# (tests/python/test_warehouse_files.py). Idempotent and quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/lib/python_env.sh
ensure_venv setup_duckdb1 .venv-duckdb1 requirements-duckdb1.lock "about 100 MB"
