"""Running the project's dbt commands from Python (the CLI and the tests use this).

dbt runs in-process through `dbtRunner`, always from the project's folder with its own
profiles.yml, so relative paths in the project mean the same thing whoever calls. The project
is export_spec.project_dir(): the one the command line chose (--project-dir, else the current
directory when it holds the project, else the installed one).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from revops_kpis.export_spec import PROJECT_ROOT, project_dir

# the installed project's warehouse; a command's default is default_duckdb_path()
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
    return Path(configured).resolve() if configured else project_dir() / "target"


def default_duckdb_path() -> Path:
    """The warehouse a command builds or reads when none is given: REVOPS_DUCKDB_PATH, else
    target/revops_kpis.duckdb of the project being built."""
    configured = os.environ.get("REVOPS_DUCKDB_PATH")
    return Path(configured).resolve() if configured else project_dir() / "target" / "revops_kpis.duckdb"


def dbt_log_file() -> Path:
    """dbt's own log file: DBT_LOG_PATH (dbt's setting) when set, else the project's logs/."""
    configured = os.environ.get("DBT_LOG_PATH")
    return (Path(configured).resolve() if configured else project_dir() / "logs") / "dbt.log"


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
    os.chdir(project_dir())
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
    silent: bool = False,
    callbacks: list[Callable] | None = None,
    manifest=None,
):
    """Invoke one dbt command; return dbt's result, raise DbtRunError when it fails.

    `env`: environment variables set for the duration of the command (e.g. REVOPS_TARGET and
    the REVOPS_PG_* connection of the postgres target). `silent`: nothing on the console, dbt's
    log only in its file (dbt_log_file()); `callbacks` receive every dbt event (LayerProgress);
    `manifest`: a parsed manifest to run on, so the command does not parse again.
    """
    from dbt.cli.main import dbtRunner  # imported late: dbt is slow to import

    project = str(project_dir())
    command = list(args) + ["--project-dir", project, "--profiles-dir", project]
    variables = dbt_vars(export_path, extra_vars)
    if variables:
        command += ["--vars", json.dumps(variables)]
    if target_path is not None:
        command += ["--target-path", str(Path(target_path).resolve())]
    if quiet:
        command = ["--quiet", *command]
    if silent:
        # --log-level alone would set the file's level too (dbt: the file follows the console)
        command += ["--log-level", "none", "--log-level-file", "debug", "--no-use-colors"]
    env = dict(env or {})
    if duckdb_path is not None:
        env["REVOPS_DUCKDB_PATH"] = str(Path(duckdb_path).resolve())
    with _environment(env):
        try:
            result = dbtRunner(manifest=manifest, callbacks=list(callbacks or [])).invoke(command)
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


# ------------------------------------------------------------------ quiet progress of a build

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# the layers a build's nodes are counted in, in the order they are printed when they finish
# together: models by their folder under models/, then the seeds, snapshots and data tests
_RUNNABLE = {"model", "seed", "snapshot", "test"}


def node_layer(resource_type: str, node_path: str) -> str:
    """The layer a node is counted in: a model's top folder under models/ (staging,
    intermediate, marts), else `seeds`, `snapshots` or `tests`."""
    if resource_type == "model":
        return Path(node_path).parts[0] if len(Path(node_path).parts) > 1 else "models"
    return {"seed": "seeds", "snapshot": "snapshots", "test": "tests"}.get(resource_type, resource_type)


class LayerProgress:
    """A dbt callback for a quiet build: counts the finished nodes per layer and prints one
    line per layer when its last node finished (counts by status, elapsed time), and every
    warning dbt logs in full. plan() takes the layer totals from the parsed manifest."""

    def __init__(self, say: Callable[[str], None] = print):
        self.say = say
        self.totals: dict[str, int] = {}
        self.done: dict[str, dict[str, int]] = {}
        self.started: dict[str, float] = {}
        self.printed: set[str] = set()
        self.warnings: list[str] = []
        self.start = time.perf_counter()

    def plan(self, manifest, *, unit_tests: bool = False) -> None:
        """The nodes a `build` of the whole project runs, per layer (ephemeral models run
        inside the models that use them)."""
        for node in manifest.nodes.values():
            resource_type = str(node.resource_type)
            if resource_type not in _RUNNABLE or getattr(node.config, "materialized", None) == "ephemeral":
                continue
            layer = node_layer(resource_type, node.path)
            self.totals[layer] = self.totals.get(layer, 0) + 1
        if unit_tests:
            self.totals["unit tests"] = len(manifest.unit_tests)

    def __call__(self, event) -> None:
        name = event.info.name
        if event.info.level in ("warn",) and name not in ("LogTestResult",):
            self._warn(event.info.msg)
        if name not in ("NodeStart", "NodeFinished"):
            return
        info = event.data.node_info
        if info.resource_type not in _RUNNABLE | {"unit_test"}:  # exposures: nothing runs
            return
        if name == "NodeStart":
            self.started.setdefault(self._layer(info), time.perf_counter())
        else:
            layer = self._layer(info)
            status = (event.data.run_result.status or info.node_status or "done").lower()
            counts = self.done.setdefault(layer, {})
            counts[status] = counts.get(status, 0) + 1
            if sum(counts.values()) == self.totals.get(layer, -1):
                self._print(layer)

    def _warn(self, message: str) -> None:
        text = _ANSI.sub("", str(message)).rstrip()
        if text:
            self.warnings.append(text)
            self.say(f"  warning: {text}")

    @staticmethod
    def _layer(node_info) -> str:
        if node_info.resource_type == "unit_test":
            return "unit tests"
        return node_layer(node_info.resource_type, node_info.node_path)

    def _print(self, layer: str) -> None:
        if layer in self.printed:
            return
        self.printed.add(layer)
        counts = self.done.get(layer, {})
        total = sum(counts.values())
        statuses = ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
        elapsed = time.perf_counter() - self.started.get(layer, self.start)
        self.say(f"  {layer:<13}{total:>5} node{'s' if total != 1 else ' '}  {statuses:<32} {elapsed:6.1f} s")

    def finish(self) -> None:
        """Print the layers not printed yet (a failure skipped some of their nodes)."""
        for layer in self.done:
            self._print(layer)
