"""Command line: `python -m revops_kpis.mart_checks`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from revops_kpis.dbt_project import default_duckdb_path, target_dir
from revops_kpis.export_spec import PROJECT_ROOT
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
    parser.add_argument("--report-dir", type=Path, default=None, help="default: target/mart_checks (DBT_TARGET_PATH/mart_checks when set)")
    parser.add_argument("--schema", default="marts", help="schema of the marts (default: marts)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Exit code 0 when every expectation passes, 1 when some fail, 2 when nothing could be read."""
    args = _parser().parse_args(argv)
    duckdb_path = args.duckdb or default_duckdb_path()
    print(f"Checking the marts of {duckdb_path}", flush=True)
    try:
        validation = validate_marts(
            duckdb_path, args.report_dir or target_dir() / DEFAULT_REPORT_DIR, schema=args.schema, progress=lambda message: print(f"  {message}", flush=True)
        )
    except MartCheckError as exc:
        print(f"Mart checks error: {exc}", file=sys.stderr)
        return 2
    print(validation.summary())
    return 0 if validation.success else 1
