#!/usr/bin/env bash
# The scale benchmark: generated exports of 10k, 100k and 1M opportunities, full and
# incremental builds, the export checks and the read floor, timed over several runs.
#   scripts/benchmark.sh                      # S, M and L, 3 runs each (about 2 hours)
#   scripts/benchmark.sh --sizes S,M --runs 1 # a quick look
# Figures: target/benchmark/results.md and results.json. Options: --help.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
export DBT_SEND_ANONYMOUS_USAGE_STATS=false
exec .venv/bin/revops-kpis benchmark "$@"
