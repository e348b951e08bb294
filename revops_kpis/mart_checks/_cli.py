"""Command line: `python -m revops_kpis.mart_checks`."""

from __future__ import annotations

import argparse
from pathlib import Path

from revops_kpis.checks.cli import add_report_dir_option, print_progress, report_dir, run_checks
from revops_kpis.dbt_project import default_duckdb_path
from revops_kpis.export_spec import PROJECT_ROOT
from revops_kpis.mart_checks._results import MartValidation
from revops_kpis.mart_checks._suite import MartCheckError, validate_marts

DEFAULT_DUCKDB_PATH = PROJECT_ROOT / "target" / "revops_kpis.duckdb"
# the folder name under dbt's target folder (target/, or DBT_TARGET_PATH)
DEFAULT_REPORT_DIR = Path("mart_checks")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m revops_kpis.mart_checks",
        description="Check the published marts of a built DuckDB file with Great Expectations.",
    )
    parser.add_argument(
        "--duckdb",
        type=Path,
        default=None,
        help="the built DuckDB file (default: env REVOPS_DUCKDB_PATH, else target/revops_kpis.duckdb)",
    )
    add_report_dir_option(parser, DEFAULT_REPORT_DIR)
    parser.add_argument("--schema", default="marts", help="schema of the marts (default: marts)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Exit code 0 when every expectation passes, 1 when some fail, 2 when nothing could be read."""
    args = _parser().parse_args(argv)
    duckdb_path = args.duckdb or default_duckdb_path()

    def check() -> MartValidation:
        return validate_marts(
            duckdb_path, report_dir(args.report_dir, DEFAULT_REPORT_DIR), schema=args.schema, progress=print_progress
        )

    return run_checks(
        f"Checking the marts of {duckdb_path}", check, MartCheckError, lambda exc: f"Mart checks error: {exc}"
    )
