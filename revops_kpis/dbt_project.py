"""Running the project's dbt commands from Python (the CLI and the tests use this).

dbt runs in-process through `dbtRunner`, always from the project root with the project's
own profiles.yml, so relative paths in the project mean the same thing whoever calls.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from revops_kpis.export_spec import PROJECT_ROOT

DEFAULT_DUCKDB_PATH = PROJECT_ROOT / "target" / "revops_kpis.duckdb"
# The tag of the data-quality threshold tests (tests/data_quality/_data_quality__tests.yml):
# their rows are findings about reps, not a broken build (see data_quality_breaches)
DATA_QUALITY_THRESHOLD_TAG = "data_quality_threshold"
_FAILED = {"error", "fail", "runtime error"}


def target_dir() -> Path:
    """dbt's target folder: DBT_TARGET_PATH (dbt's own setting, which dbt reads too) when set,
    else the project's target/. The run's reports are written there as well, so two runs given
    two target folders share nothing (the test suite runs in parallel that way)."""
    configured = os.environ.get("DBT_TARGET_PATH")
    return Path(configured).resolve() if configured else PROJECT_ROOT / "target"


class DbtRunError(RuntimeError):
    """A dbt command failed; the message says which nodes failed and why, and `result` is
    dbt's result (for callers that weigh the failures, see failed_only_on_data_quality)."""

    def __init__(self, message: str, result=None):
        super().__init__(message)
        self.result = result


@contextlib.contextmanager
def _environment(updates: Mapping[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in updates}
    cwd = os.getcwd()
    os.environ.update(updates)
    os.chdir(PROJECT_ROOT)
    try:
        yield
    finally:
        os.chdir(cwd)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def dbt_vars(export_path: Path | str | None = None, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The --vars of a run: the export folder (absolute) plus any overrides."""
    merged: dict[str, Any] = {}
    if export_path is not None:
        merged["crm_export_path"] = str(Path(export_path).resolve())
    merged.update(extra or {})
    return merged


def run_dbt(
    args: list[str],
    *,
    export_path: Path | str | None = None,
    duckdb_path: Path | str | None = None,
    extra_vars: Mapping[str, Any] | None = None,
    target_path: Path | str | None = None,
    quiet: bool = False,
    env: Mapping[str, str] | None = None,
):
    """Invoke one dbt command; return dbt's result, raise DbtRunError when it fails.

    `env`: environment variables set for the duration of the command (e.g. REVOPS_TARGET and
    the REVOPS_PG_* connection of the postgres target).
    """
    from dbt.cli.main import dbtRunner  # imported late: dbt is slow to import

    command = list(args) + ["--project-dir", str(PROJECT_ROOT), "--profiles-dir", str(PROJECT_ROOT)]
    variables = dbt_vars(export_path, extra_vars)
    if variables:
        command += ["--vars", json.dumps(variables)]
    if target_path is not None:
        command += ["--target-path", str(Path(target_path).resolve())]
    if quiet:
        command = ["--quiet", *command]
    env = dict(env or {})
    if duckdb_path is not None:
        env["REVOPS_DUCKDB_PATH"] = str(Path(duckdb_path).resolve())
    with _environment(env):
        try:
            result = dbtRunner().invoke(command)
        finally:
            release_duckdb()
    if not result.success:
        raise DbtRunError(describe_failure(args, result), result)
    return result


def release_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb holds. The profile keeps it open for a whole
    command (keep_open: true, so models and tests do not each reopen the file and lose its
    cache); dbt-duckdb would then hold it until the process exits, and the process could
    not open the file itself (DuckDB refuses a second open with another configuration)."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # dbt-duckdb not installed (another adapter's environment)
        return
    with DuckDBConnectionManager._LOCK:
        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
            DuckDBConnectionManager._ENV = None


def _node_results(result) -> list:
    return list(getattr(getattr(result, "result", None), "results", None) or [])


def _status(node_result) -> str:
    return str(getattr(node_result, "status", "")).lower()


def _is_data_quality_threshold_test(node_result) -> bool:
    node = getattr(node_result, "node", None)
    return DATA_QUALITY_THRESHOLD_TAG in (getattr(node, "tags", None) or [])


def data_quality_breaches(result) -> list[str]:
    """The data-quality threshold tests of a dbt result that found rows (status warn under
    the default severity, fail under data_quality_test_severity: error), by unique id."""
    return [
        node_result.node.unique_id
        for node_result in _node_results(result)
        if _is_data_quality_threshold_test(node_result) and _status(node_result) in {"warn", "fail"}
    ]


def failed_only_on_data_quality(result) -> bool:
    """Whether a failed dbt command failed only because data-quality threshold tests found
    rows at severity error: no model, seed, unit or other data test failed or errored, none
    was skipped, and dbt raised nothing. Everything was then built and tested."""
    if result is None or result.success or result.exception is not None:
        return False
    failed = [node_result for node_result in _node_results(result) if _status(node_result) in _FAILED | {"skipped"}]
    return bool(failed) and all(
        _status(node_result) == "fail" and _is_data_quality_threshold_test(node_result) for node_result in failed
    )


def describe_failure(args: list[str], result) -> str:
    """A readable account of a failed dbt invocation."""
    lines = [f"dbt {' '.join(args)} failed."]
    if result.exception is not None:
        lines.append(str(result.exception))
    for node_result in _node_results(result):
        status = str(getattr(node_result, "status", ""))
        if status.lower() in _FAILED:
            node = getattr(node_result, "node", None)
            name = getattr(node, "unique_id", "?")
            note = " (a data-quality threshold: data_quality_test_severity is error)" if (
                _is_data_quality_threshold_test(node_result)) else ""
            lines.append(f"- {name}: {status}{note}: {(node_result.message or '').strip()}")
    return "\n".join(lines)
