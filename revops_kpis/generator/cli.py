"""Command line: `python -m revops_kpis.generator` (also `revops-kpis generate`)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from revops_kpis.generator.build import MIN_OPPORTUNITIES
from revops_kpis.generator.export import generate_export


def _positive_int(minimum: int):
    def parse(text: str) -> int:
        try:
            value = int(text.replace("_", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be >= {minimum}: {value}")
        return value

    return parse


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text!r}") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m revops_kpis.generator",
        description="Generate a deterministic, realistic CRM export folder: Salesforce objects (one file per "
        "object) or, with --crm hubspot, the same business as the Fivetran HubSpot tables (one file per table).",
    )
    parser.add_argument(
        "--crm",
        choices=("salesforce", "hubspot"),
        default="salesforce",
        help="the CRM the export is written for (default salesforce); one seed and size give the same business in both",
    )
    parser.add_argument("--out", required=True, help="output folder (created if missing)")
    parser.add_argument("--opportunities", type=_positive_int(MIN_OPPORTUNITIES), default=600, help="scale: number of opportunities (default 600)")
    parser.add_argument("--seed", type=_positive_int(0), default=42, help="random seed (default 42)")
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv", help="file format (default csv)")
    parser.add_argument("--no-bad-rows", action="store_true", help="do not inject bad input rows (HubSpot: no deleted rows; the deal Salesforce would quarantine stays live)")
    parser.add_argument("--end-date", type=_iso_date, default=dt.date(2026, 9, 30), help="last day of the export (default 2026-09-30)")
    args = parser.parse_args(argv)
    if args.crm == "hubspot":
        from revops_kpis.generator.hubspot import generate_export_hubspot as write
    else:
        write = generate_export
    try:
        write(
            args.out,
            opportunities=args.opportunities,
            seed=args.seed,
            fmt=args.format,
            inject_bad_rows=not args.no_bad_rows,
            end_date=args.end_date,
            progress=lambda msg: print(msg, file=sys.stderr, flush=True),
        )
    except (ValueError, OSError) as exc:
        parser.exit(2, f"{parser.prog}: error: {exc}\n")
    return 0
