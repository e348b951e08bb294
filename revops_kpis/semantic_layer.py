"""MetricFlow queries of a build, and the public tables as files for BI tools.

`mf` (dbt-metricflow) reads the semantic manifest from `<project dir>/target/semantic_manifest.json`
whatever the build's `--target-path` was: `metricflow_project_dir` makes a small project folder
(the project's dbt_project.yml and a `target` link to the build's target folder) so a build
written elsewhere (a test's, a CI job's) can be queried. The warehouse file is the profile's,
`REVOPS_DUCKDB_PATH`.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from revops_kpis.export_spec import PROJECT_ROOT

PUBLIC_SCHEMA = "marts"


class MetricFlowError(RuntimeError):
    """An `mf` command failed; the message holds its output."""


def mf_executable() -> Path:
    """The `mf` of the running Python's environment (the project's .venv)."""
    return Path(sys.executable).parent / "mf"


def metricflow_project_dir(target_path: Path | str, directory: Path | str) -> Path:
    """A folder `mf` can run in against the semantic manifest of the build in `target_path`."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    project_file = directory / "dbt_project.yml"
    target_link = directory / "target"
    for link, source in ((project_file, PROJECT_ROOT / "dbt_project.yml"), (target_link, Path(target_path).resolve())):
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(source)
    return directory


def _mf(args: list[str], project_dir: Path, duckdb_path: Path | str, timeout: int = 300) -> str:
    env = dict(os.environ)
    env.update({
        "DBT_PROFILES_DIR": str(PROJECT_ROOT),
        "DBT_PROJECT_DIR": str(project_dir),
        "REVOPS_DUCKDB_PATH": str(Path(duckdb_path).resolve()),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    })
    completed = subprocess.run(
        [str(mf_executable()), *args], cwd=project_dir, env=env, capture_output=True, text=True, timeout=timeout,
    )
    if completed.returncode != 0:
        raise MetricFlowError(f"mf {' '.join(args)} failed:\n{completed.stdout}\n{completed.stderr}")
    return completed.stdout


def mf_query(
    project_dir: Path,
    duckdb_path: Path | str,
    metrics: list[str],
    group_by: list[str],
    where: str | None = None,
) -> list[dict[str, str]]:
    """Rows of `mf query` (values as the CSV holds them: '' for null)."""
    output = project_dir / "mf_query.csv"
    output.unlink(missing_ok=True)
    args = ["query", "--metrics", ",".join(metrics), "--group-by", ",".join(group_by), "--csv", str(output)]
    if where:
        args += ["--where", where]
    _mf(args, project_dir, duckdb_path)
    if not output.exists():
        raise MetricFlowError(f"mf query wrote no {output}")
    with output.open(newline="") as handle:
        return list(csv.DictReader(handle))


def mf_validate_configs(project_dir: Path, duckdb_path: Path | str, skip_warehouse: bool = False) -> str:
    """`mf validate-configs` (semantic checks, then queries of every model against the warehouse)."""
    return _mf(["validate-configs", *(["--skip-dw"] if skip_warehouse else [])], project_dir, duckdb_path)


def public_tables(duckdb_path: Path | str) -> list[str]:
    """The tables of the public (marts) schema."""
    with duckdb.connect(str(duckdb_path), read_only=True) as connection:
        rows = connection.execute(
            "select table_name from information_schema.tables where table_schema = ? order by table_name",
            [PUBLIC_SCHEMA],
        ).fetchall()
    return [row[0] for row in rows]


def export_parquet(duckdb_path: Path | str, out_dir: Path | str) -> dict[str, int]:
    """Writes every public table to `<out_dir>/<table>.parquet`; returns table -> row count."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    tables = public_tables(duckdb_path)
    with duckdb.connect(str(duckdb_path), read_only=True) as connection:
        for table in tables:
            target = (out_dir / f"{table}.parquet").resolve()
            literal = str(target).replace("'", "''")
            connection.execute(
                f'copy (select * from "{PUBLIC_SCHEMA}"."{table}") to \'{literal}\' (format parquet, compression zstd)'
            )
            written[table] = connection.execute(f'select count(*) from "{PUBLIC_SCHEMA}"."{table}"').fetchall()[0][0]
    return written
