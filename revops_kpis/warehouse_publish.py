"""Building a DuckDB warehouse without ever showing a half-built one.

`revops-kpis run` builds into a staging copy of the warehouse file and replaces the published
file only when the build and the mart checks succeeded. A BI tool reading the published file
sees either the previous build or the new one, never a mix of the two: a failed or killed
run leaves the previous warehouse as it was.

- The staging copy lives in a hidden folder beside the published file
  (`.<name>.building/<name>`), on the same file system, so publishing is one atomic rename.
  The file keeps its name because DuckDB names the database after the file: the views in it
  refer to that name.
- An incremental run starts from a copy of the published file (the incremental models go on
  from the last build); a full refresh starts from nothing.
- A failed build is kept for inspection in `.<name>.failed/<name>` until the next run.
- A folder left behind by a killed run is removed when the next run starts.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def staging_path(published: Path) -> Path:
    """Where a run builds the warehouse it will publish at `published`."""
    return published.parent / f".{published.name}.building" / published.name


def failed_path(published: Path) -> Path:
    """Where the last failed build of `published` is kept."""
    return published.parent / f".{published.name}.failed" / published.name


def stage(published: Path, *, start_from_published: bool) -> Path:
    """Prepare the staging copy and return its path: a copy of the published warehouse when
    `start_from_published` (incremental runs), else no file (a full build)."""
    staged = staging_path(published)
    if staged.parent.exists():  # left behind by a run that was killed
        shutil.rmtree(staged.parent)
    staged.parent.mkdir(parents=True)
    if start_from_published and published.exists():
        shutil.copy2(published, staged)
        if _wal(published).exists():
            shutil.copy2(_wal(published), _wal(staged))
    return staged


def publish(staged: Path, published: Path) -> None:
    """Replace the published warehouse with the staged one, atomically. The staged database
    must be closed (dbt's connection released), so its write-ahead log is checkpointed."""
    published.parent.mkdir(parents=True, exist_ok=True)
    # a log of the old file must never be replayed onto the new one
    if _wal(published).exists():
        _wal(published).unlink()
    os.replace(staged, published)
    if _wal(staged).exists():
        os.replace(_wal(staged), _wal(published))
    shutil.rmtree(staged.parent, ignore_errors=True)


def keep_failed(staged: Path, published: Path) -> Path | None:
    """Move a failed build out of the way (the published warehouse stays as it was); return
    where it is kept, or None when the run wrote no file."""
    if not staged.exists():
        shutil.rmtree(staged.parent, ignore_errors=True)
        return None
    failed = failed_path(published)
    if failed.parent.exists():
        shutil.rmtree(failed.parent)
    os.replace(staged.parent, failed.parent)
    return failed
