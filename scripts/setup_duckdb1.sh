#!/usr/bin/env bash
# Creates .venv-duckdb1: DuckDB 1.x (requirements-duckdb1.lock), the kind of reader BI tools
# embed, to check that the warehouse file the build writes opens there
# (tests/python/test_warehouse_files.py). Idempotent and quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."

python_bin="${PYTHON:-}"
if [ -z "$python_bin" ]; then
    for candidate in python3.11 python3.12 python3; do
        if command -v "$candidate" >/dev/null 2>&1; then python_bin="$candidate"; break; fi
    done
fi
if [ -z "$python_bin" ]; then
    echo "setup_duckdb1: Python 3.11 or 3.12 is needed (set PYTHON=/path/to/python)" >&2
    exit 1
fi

venv=.venv-duckdb1
if [ ! -x "$venv/bin/python" ]; then
    "$python_bin" -m venv "$venv"
fi
stamp="$venv/.installed"
wanted="$(sha256sum requirements-duckdb1.lock | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$wanted" ]; then
    echo "setup_duckdb1: installing requirements-duckdb1.lock into $venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements-duckdb1.lock
    echo "$wanted" > "$stamp"
fi
