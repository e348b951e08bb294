#!/usr/bin/env bash
# Sets up the project's Python environment in .venv: the exact versions of
# requirements.lock, then the project's own package. Idempotent and quick when nothing
# changed (a stamp of the lock file is kept in .venv).
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/lib/python_env.sh
ensure_venv setup .venv requirements.lock "about 1.1 GB, a few minutes the first time" --editable
