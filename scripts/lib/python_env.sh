# Sourced by the scripts that make a virtual environment (setup.sh, setup_duckdb1.sh,
# spark.sh, test_superset.sh): one way to find Python and to keep an environment in step
# with its lock file.

# find_python CALLER: print the Python to use, PYTHON if set, else the first of python3.11,
# python3.12, python3 on PATH; fail with a message unless it is Python 3.11 or 3.12.
find_python() {
    local caller="$1" python_bin="${PYTHON:-}" candidate
    if [ -z "$python_bin" ]; then
        for candidate in python3.11 python3.12 python3; do
            if command -v "$candidate" >/dev/null 2>&1; then python_bin="$candidate"; break; fi
        done
    fi
    if [ -z "$python_bin" ]; then
        echo "$caller: Python 3.11 or 3.12 is needed (set PYTHON=/path/to/python)" >&2
        return 1
    fi
    if ! command -v "$python_bin" >/dev/null 2>&1; then
        echo "$caller: $python_bin (PYTHON) is not a program here" >&2
        return 1
    fi
    if ! "$python_bin" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 13) else 1)'; then
        echo "$caller: $python_bin is $("$python_bin" --version 2>&1); Python 3.11 or 3.12 is needed" >&2
        return 1
    fi
    echo "$python_bin"
}

# ensure_venv CALLER VENV LOCK_FILE SIZE_NOTE [--editable]: create VENV if missing and install
# LOCK_FILE's exact versions into it when the lock changed since the last install (a stamp of
# its hash is kept in VENV), then `pip check`. --editable also installs the project itself
# (pyproject.toml, hashed into the stamp) without dependencies.
ensure_venv() {
    local caller="$1" venv="$2" lock="$3" size_note="$4" editable="${5:-}" python_bin stamp wanted
    local hashed=("$lock")
    if [ "$editable" = "--editable" ]; then hashed+=(pyproject.toml); fi
    if [ ! -x "$venv/bin/python" ]; then
        python_bin="$(find_python "$caller")" || return 1
        echo "$caller: creating $venv with $("$python_bin" --version 2>&1)"
        "$python_bin" -m venv "$venv"
    fi
    stamp="$venv/.revops-kpis-installed"
    wanted="$(cat "${hashed[@]}" | sha256sum | cut -d' ' -f1)"
    if [ "$(cat "$stamp" 2>/dev/null || true)" = "$wanted" ]; then
        echo "$caller: $venv is up to date"
        return 0
    fi
    echo "$caller: installing $lock into $venv ($size_note)"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$lock"
    if [ "$editable" = "--editable" ]; then
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -e .
    fi
    "$venv/bin/python" -m pip check
    echo "$wanted" > "$stamp"
}
