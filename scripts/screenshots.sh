#!/usr/bin/env bash
# A PNG of every dashboard page in target/screenshots/, for a person to look at:
#   scripts/screenshots.sh                 # the warehouse: REVOPS_DUCKDB_PATH, else target/revops_kpis.duckdb
#   SCREENSHOTS_DIR=/tmp/shots scripts/screenshots.sh
# Sets up .venv, builds the warehouse when the file is missing, installs Debian's chromium when
# there is none (apt-get, as root), starts the dashboard headless on a free loopback port, drives
# Chromium headless over each page (dashboard/screenshots.py), then stops the dashboard.
# Exits 1 when a page shows an error or does not finish drawing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
export DBT_PROFILES_DIR="$PWD"
warehouse="$(realpath -m "${REVOPS_DUCKDB_PATH:-target/revops_kpis.duckdb}")"
out="$(realpath -m "${SCREENSHOTS_DIR:-target/screenshots}")"
if [ ! -f "$warehouse" ]; then
    echo "screenshots: no warehouse at $warehouse; building it first"
    .venv/bin/revops-kpis run --duckdb "$warehouse"
fi

chromium_bin="$(command -v chromium || true)"
if [ -z "$chromium_bin" ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "screenshots: Chromium is missing; install Debian's chromium package (as root: apt-get install chromium)" >&2
        exit 2
    fi
    echo "screenshots: installing Debian's chromium"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    chromium_bin="$(command -v chromium)"
fi

port="$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
log="$(mktemp)"
REVOPS_DUCKDB_PATH="$warehouse" .venv/bin/revops-kpis dashboard --address 127.0.0.1 --port "$port" >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 60); do
    if .venv/bin/python -c "import urllib.request, sys; urllib.request.urlopen('http://127.0.0.1:$port/_stcore/health', timeout=2)" 2>/dev/null; then
        break
    fi
    if ! kill -0 "$server" 2>/dev/null; then cat "$log" >&2; exit 1; fi
    sleep 1
done
echo "screenshots: dashboard on http://127.0.0.1:$port over $warehouse; pages to $out"
.venv/bin/python dashboard/screenshots.py --url "http://127.0.0.1:$port" --out "$out" --chromium "$chromium_bin"
