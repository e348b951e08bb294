"""Command-line plumbing shared by `python -m revops_kpis.export_checks` and
`python -m revops_kpis.mart_checks`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable, TypeVar

from revops_kpis.checks.results import CheckedRun
from revops_kpis.dbt_project import target_dir

Run = TypeVar("Run", bound=CheckedRun)


def add_report_dir_option(parser: argparse.ArgumentParser, folder: Path) -> None:
    """`--report-dir`, by default `folder` under dbt's target folder."""
    parser.add_argument(
        "--report-dir", type=Path, default=None, help=f"default: target/{folder} (DBT_TARGET_PATH/{folder} when set)"
    )


def report_dir(given: Path | None, folder: Path) -> Path:
    """The folder given, else `folder` under dbt's target folder (target/, or DBT_TARGET_PATH)."""
    return given or target_dir() / folder


def print_progress(message: str) -> None:
    """One progress line of a run, indented under its heading."""
    print(f"  {message}", flush=True)


def run_checks(
    heading: str,
    check: Callable[[], Run],
    error: type[Exception],
    describe_error: Callable[[Exception], str],
    after: Callable[[Run], None] | None = None,
) -> int:
    """Prints the heading, runs the checks and prints their summary (then `after`). Exit code:
    0 when every expectation passed, 1 when some failed, 2 when `check` raised `error`
    (described on stderr)."""
    print(heading, flush=True)
    try:
        run = check()
    except error as exc:
        print(describe_error(exc), file=sys.stderr)
        return 2
    print(run.summary())
    if after is not None:
        after(run)
    return 0 if run.success else 1
