"""Running the project's dbt commands from Python (the CLI and the tests use this).

dbt runs in-process through `dbtRunner`, always from the project's folder with its own
profiles.yml, so relative paths in the project mean the same thing whoever calls. The project
is export_spec.project_dir(): the one the command line chose (--project-dir, else the current
directory when it holds the project, else the installed one).
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import os
import pickle
import re
import shutil
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
        if manifest is None and args and args[0] in _RUNS_ON_A_MANIFEST:
            manifest = _cached_manifest(command, variables, target_path)
        try:
            result = dbtRunner(manifest=manifest, callbacks=list(callbacks or [])).invoke(command)
        finally:
            release_duckdb()
    if not result.success:
        raise DbtRunError(describe_failure(args, result), result)
    return result


# Reusing a parse (MANIFEST_CACHE_ENV): the commands that run on a parsed manifest, the vars
# that only matter when a model runs (the export's location: read by run_query, never at
# parse time), the project files whose change means a new parse, and the artifacts of the
# parse a command's target folder gets (MetricFlow reads the semantic manifest there)
MANIFEST_CACHE_ENV = "REVOPS_MANIFEST_CACHE"
_RUNS_ON_A_MANIFEST = {"build", "run", "test", "seed", "compile", "show", "ls", "list", "run-operation"}
_RUNTIME_VARS = {"crm_export_path", "crm_export_files"}
_PROJECT_FILES = ("models", "macros", "seeds", "tests", "analyses", "snapshots", "dbt_project.yml",
                  "profiles.yml", "dependencies.yml", "packages.yml", "selectors.yml", ".dbtignore")
_PARSE_ARTIFACTS = ("manifest.json", "semantic_manifest.json")


def _parse_key(command: list[str], variables: Mapping[str, Any]) -> str:
    """What a parse depends on: dbt's version, the project's folder and its files (path, size,
    modification time), the vars but the export's location, the profile's settings from the
    environment (the DuckDB file only by its name, which is the database's name in every
    relation), and a --target or --profile."""
    from dbt.version import __version__ as dbt_version

    root = project_dir()
    files = []
    for name in _PROJECT_FILES:
        path = root / name
        if path.is_dir():
            candidates = sorted(found for found in path.rglob("*") if found.is_file())
        else:
            candidates = [path] if path.is_file() else []
        for candidate in candidates:
            stat = candidate.stat()
            files.append((str(candidate.relative_to(root)), stat.st_size, stat.st_mtime_ns))
    settings = {key: value for key, value in os.environ.items()
                if key.startswith(("REVOPS_", "DBT_")) and key not in
                {"REVOPS_DUCKDB_PATH", "DBT_TARGET_PATH", "DBT_LOG_PATH", MANIFEST_CACHE_ENV}}
    settings["duckdb_file_name"] = Path(os.environ.get("REVOPS_DUCKDB_PATH", "revops_kpis.duckdb")).stem
    chosen = [value for flag, value in zip(command, command[1:]) if flag in ("--target", "-t", "--profile")]
    state = {
        "dbt": dbt_version, "project": str(root), "files": files, "settings": sorted(settings.items()),
        "vars": {key: value for key, value in variables.items() if key not in _RUNTIME_VARS},
        "chosen": chosen,
    }
    return hashlib.sha256(json.dumps(state, sort_keys=True, default=str).encode()).hexdigest()[:24]


def _cached_manifest(command: list[str], variables: Mapping[str, Any], target_path: Path | str | None):
    """When MANIFEST_CACHE_ENV names a folder, the project's parsed manifest for this command,
    parsed once per _parse_key and shared by every process given the same folder (the test
    suite's builds, in parallel workers: a full parse costs about 25 s, a reuse under a
    second); None otherwise (dbt parses as usual). The parse's artifacts are copied into the
    command's target folder."""
    from dbt.cli.main import dbtRunner

    cache = os.environ.get(MANIFEST_CACHE_ENV)
    if not cache:
        return None
    entry = Path(cache) / _parse_key(command, variables)
    entry.mkdir(parents=True, exist_ok=True)
    pickled = entry / "manifest.pickle"
    with (entry / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not pickled.exists():
            parse = ["parse", *_parse_flags(command), "--target-path", str(entry / "target")]
            parsed = dbtRunner().invoke(parse)
            if not parsed.success:
                return None  # the command parses itself and reports the failure
            partial = entry / "manifest.partial"
            partial.write_bytes(_dump_manifest(parsed.result))
            partial.replace(pickled)
    target = Path(target_path).resolve() if target_path is not None else target_dir()
    target.mkdir(parents=True, exist_ok=True)
    for name in _PARSE_ARTIFACTS:
        if (entry / "target" / name).exists():
            shutil.copyfile(entry / "target" / name, target / name)
    return _load_manifest(pickled.read_bytes())


def _dump_manifest(manifest) -> bytes:
    """The manifest's fields, pickled; not the manifest itself: dbt's Manifest.__reduce_ex__
    leaves two fields out of its positional arguments, so an unpickled manifest has its unit
    test fixtures and lookups in the wrong fields. Its private fields (lookups, lock) are
    rebuilt on first use."""
    fields = {field.name: getattr(manifest, field.name) for field in dataclasses.fields(manifest)
              if not field.name.startswith("_")}
    return pickle.dumps((type(manifest), fields), protocol=pickle.HIGHEST_PROTOCOL)


def _load_manifest(data: bytes):
    manifest_class, fields = pickle.loads(data)
    return manifest_class(**fields)


def _parse_flags(command: list[str]) -> list[str]:
    """The flags of a command that `dbt parse` takes too: the project, profiles, vars, target
    and logging flags (not the subcommand, the selection, --full-refresh and the like)."""
    args = command
    kept, keep_value = [], {"--project-dir", "--profiles-dir", "--vars", "--target", "-t", "--profile",
                            "--log-level", "--log-level-file"}
    flags = {"--quiet", "-q", "--no-use-colors"}
    index = 0
    while index < len(args):
        if args[index] in keep_value and index + 1 < len(args):
            kept += args[index:index + 2]
            index += 2
            continue
        if args[index] in flags:
            kept.append(args[index])
        index += 1
    return kept


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
