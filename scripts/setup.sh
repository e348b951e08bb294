#!/usr/bin/env bash
# Sets up the project's Python environment in .venv: the exact versions of
# requirements.lock, then the project's own package. Idempotent and quick when nothing
# changed (a stamp of the lock file is kept in .venv).
set -euo pipefail
cd "$(dirname "$0")/.."

python_bin="${PYTHON:-}"
if [ -z "$python_bin" ]; then
    for candidate in python3.11 python3.12 python3; do
        if command -v "$candidate" >/dev/null 2>&1; then python_bin="$candidate"; break; fi
    done
fi
if [ -z "$python_bin" ]; then
    echo "setup: Python 3.11 or 3.12 is needed (set PYTHON=/path/to/python)" >&2
    exit 1
fi
if ! "$python_bin" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 13) else 1)'; then
    echo "setup: $python_bin is $("$python_bin" --version 2>&1); Python 3.11 or 3.12 is needed" >&2
    exit 1
fi

if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv with $("$python_bin" --version 2>&1)"
    "$python_bin" -m venv .venv
fi

stamp=.venv/.revops-kpis-installed
wanted="$(cat requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$wanted" ]; then
    echo "setup: installing pinned requirements (requirements.lock; about 1.1 GB, a few minutes the first time)"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
    .venv/bin/python -m pip check
    echo "$wanted" > "$stamp"
else
    echo "setup: .venv is up to date"
fi
