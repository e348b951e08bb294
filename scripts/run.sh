#!/usr/bin/env bash
# Sets everything up, then checks the export, builds the whole project on DuckDB and
# prints a summary. Arguments go to `revops-kpis run` (see --help), e.g.
#   scripts/run.sh --export /path/to/my/export --vars '{as_of: "2026-06-30"}'
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export DBT_PROFILES_DIR="$PWD"
exec .venv/bin/revops-kpis run "$@"
