"""A run never leaves a half-built warehouse where BI tools read it: `revops-kpis run` builds
into a staging copy and publishes it only when the build and the mart checks succeed. A
failed build and a killed build leave the previous warehouse as it was; the next run recovers
and gives the same tables."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from dbt_helpers import FIXTURES
from revops_kpis.cli import main
from revops_kpis.export_spec import PROJECT_ROOT
from revops_kpis.warehouse_publish import failed_path, keep_failed, publish, stage, staging_path

SMALL = FIXTURES / "small"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _marts(path: Path) -> dict[str, list[tuple]]:
    """Every table of the marts schema, rows sorted."""
    with duckdb.connect(str(path), read_only=True) as connection:
        tables = [row[0] for row in connection.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' "
            "and table_type = 'BASE TABLE' order by 1").fetchall()]
        return {table: sorted(connection.execute(f"select * from marts.{table}").fetchall(), key=repr)
                for table in tables}


def _run(duckdb_path: Path, *extra: str) -> int:
    return main(["run", "--export", str(SMALL), "--duckdb", str(duckdb_path), "--skip-export-checks", *extra])


# --- the file operations, without dbt ---------------------------------------------------------

def test_stage_starts_from_a_copy_of_the_published_file_and_clears_a_killed_run(tmp_path):
    published = tmp_path / "w.duckdb"
    published.write_bytes(b"old build")
    Path(str(published) + ".wal").write_bytes(b"old log")
    leftover = staging_path(published).parent / "junk"
    leftover.parent.mkdir(parents=True)
    leftover.write_text("from a killed run")

    staged = stage(published, start_from_published=True)
    assert staged == tmp_path / ".w.duckdb.building" / "w.duckdb"
    assert staged.read_bytes() == b"old build"
    assert Path(str(staged) + ".wal").read_bytes() == b"old log"
    assert not leftover.exists()
    # a full refresh starts from nothing
    assert not stage(published, start_from_published=False).exists()


def test_publish_replaces_the_file_and_never_keeps_the_old_log(tmp_path):
    published = tmp_path / "w.duckdb"
    published.write_bytes(b"old build")
    Path(str(published) + ".wal").write_bytes(b"old log")
    staged = stage(published, start_from_published=False)
    staged.write_bytes(b"new build")
    publish(staged, published)
    assert published.read_bytes() == b"new build"
    assert not Path(str(published) + ".wal").exists()
    assert not staged.parent.exists()


def test_a_failed_build_is_kept_aside_and_the_published_file_is_untouched(tmp_path):
    published = tmp_path / "w.duckdb"
    published.write_bytes(b"old build")
    staged = stage(published, start_from_published=False)
    staged.write_bytes(b"half built")
    kept = keep_failed(staged, published)
    assert kept == failed_path(published) and kept.read_bytes() == b"half built"
    assert published.read_bytes() == b"old build"
    # a run that wrote nothing leaves nothing behind
    assert keep_failed(stage(published, start_from_published=False), published) is None
    assert not staging_path(published).parent.exists()


# --- the command line, end to end -------------------------------------------------------------

@pytest.fixture(scope="module")
def first_build(tmp_path_factory):
    """The small fixture built and published once: (published file, its digest, its marts)."""
    folder = tmp_path_factory.mktemp("published")
    published = folder / "w.duckdb"
    assert _run(published) == 0
    return published, _digest(published), _marts(published)


def test_a_build_that_fails_leaves_the_published_warehouse_as_it_was(first_build, capsys):
    published, digest, _ = first_build
    capsys.readouterr()
    # an as-of moment that is no timestamp fails the build in dbt
    exit_code = _run(published, "--vars", '{as_of: "not a timestamp"}')
    err = capsys.readouterr().err
    assert exit_code == 1
    assert f"The warehouse BI tools read was left as it was: {published}." in err
    assert str(failed_path(published)) in err
    assert _digest(published) == digest
    assert not staging_path(published).parent.exists()


def test_a_killed_build_leaves_the_published_warehouse_and_a_rerun_recovers(first_build):
    published, digest, marts = first_build
    environment = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "revops_kpis", "run", "--export", str(SMALL), "--duckdb", str(published),
         "--skip-export-checks", "--full-refresh"],
        cwd=PROJECT_ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    staged = staging_path(published)
    deadline = time.monotonic() + 300
    # kill it once dbt has started writing the staging copy: midway through the build
    while not (staged.exists() and staged.stat().st_size > 0):
        assert process.poll() is None, "the run ended before it was killed"
        assert time.monotonic() < deadline, "the run never started building"
        time.sleep(0.2)
    time.sleep(3)
    assert process.poll() is None, "the run ended before it was killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()

    # BI tools still read the previous build, whole
    assert _digest(published) == digest
    assert _marts(published) == marts
    # the next run clears what the killed one left and publishes the same tables
    assert _run(published) == 0
    assert not staged.parent.exists()
    assert _marts(published) == marts
