"""Command line: `python -m revops_kpis.export_checks`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from revops_kpis.checks.cli import add_report_dir_option, print_progress, report_dir, run_checks
from revops_kpis.export_checks._preflight import (
    DEFAULT_CORPORATE_CURRENCY,
    DEFAULT_LOSS_REASON_FIELD,
    ExportError,
    WrongCrmError,
)
from revops_kpis.export_checks._results import ExportValidation
from revops_kpis.export_checks._suite import validate_export
from revops_kpis.export_spec import CRM_CONTRACTS, PROJECT_ROOT, crm_contract, project_dir

DEFAULT_EXPORT_PATH = PROJECT_ROOT / "data" / "demo_export"
# the folder name under dbt's target folder (target/, or DBT_TARGET_PATH)
DEFAULT_REPORT_DIR = Path("export_checks")


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------
def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m revops_kpis.export_checks",
        description="Check a CRM export folder, Salesforce or HubSpot (preflight + Great Expectations).",
    )
    p.add_argument("--crm", choices=list(CRM_CONTRACTS), default=None,
                   help="whose export it is: salesforce (default; Salesforce objects) or hubspot (Fivetran "
                        "HubSpot tables); the dbt var crm_source")
    p.add_argument(
        "--export",
        type=Path,
        default=None,
        help="export folder (default: env CRM_EXPORT_PATH, else the CRM's demo export in the project: "
             "data/demo_export, data/demo_export_hubspot)",
    )
    add_report_dir_option(p, DEFAULT_REPORT_DIR)
    p.add_argument("--encoding", default="auto",
                   help="encoding of lines that are not UTF-8: auto (default: Windows-1252/Latin-1), latin-1, "
                        "cp1252, ... or utf-8 to refuse them")
    p.add_argument("--date-order", default="auto", choices=["auto", "iso", "us", "eu"],
                   help="how locale dates (03/04/2025) are read: auto (default: from the values, per file), us, eu, iso")
    p.add_argument("--number-format", default="auto", choices=["auto", "us", "eu"],
                   help="how amounts and numbers are read: auto (default: from the values, per file), us (1,200.50), "
                        "eu (1.200,50 or 1 200,50)"),
    p.add_argument("--mostly", type=float, default=0.95, help="share of values that must be valid (default 0.95)")
    p.add_argument(
        "--allow-bad-rows",
        type=int,
        default=2,
        help="bad values per check that always pass on small objects (default 2; 0 = off)",
    )
    p.add_argument("--sample-rows", type=int, default=200_000, help="rows validated per object (default 200000)")
    p.add_argument("--loss-reason-field", default=DEFAULT_LOSS_REASON_FIELD, help="API name of the loss-reason field")
    p.add_argument(
        "--corporate-currency",
        default=DEFAULT_CORPORATE_CURRENCY,
        help="the currency amounts are reported in (the dbt var corporate_currency; default USD)",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    contract = crm_contract(args.crm)
    export = args.export or Path(os.environ.get("CRM_EXPORT_PATH") or project_dir() / "data" / contract.demo_folder)
    if not 0.0 <= args.mostly <= 1.0:
        print(f"error: --mostly must be between 0 and 1, not {args.mostly}", file=sys.stderr)
        return 2
    if args.allow_bad_rows < 0:
        print(f"error: --allow-bad-rows must be 0 or more, not {args.allow_bad_rows}", file=sys.stderr)
        return 2
    if args.sample_rows < 1:
        print(f"error: --sample-rows must be positive, not {args.sample_rows}", file=sys.stderr)
        return 2

    def check() -> ExportValidation:
        return validate_export(
            export,
            report_dir(args.report_dir, DEFAULT_REPORT_DIR),
            encoding=args.encoding,
            mostly=args.mostly,
            sample_rows=args.sample_rows,
            allow_bad_rows=args.allow_bad_rows,
            loss_reason_field=args.loss_reason_field,
            corporate_currency=args.corporate_currency,
            progress=print_progress,
            date_order=args.date_order,
            number_format=args.number_format,
            crm=contract.crm,
        )

    def print_dbt_vars(validation: ExportValidation) -> None:
        if validation.success and validation.export_files:
            # dbt run directly reads the export where it is: these vars make it read the copies
            # the checks converted (UTF-8, ISO dates, plain numbers), as `revops-kpis run` does
            dbt_vars: dict = {"crm_export_files": validation.export_files}
            if contract.crm != "salesforce":
                dbt_vars["crm_source"] = contract.crm
            if not args.encoding.lower().startswith(("utf-16", "utf-32")):
                dbt_vars["crm_export_encoding"] = "utf-8"
            print(
                "  converted copies for dbt run directly: dbt build --vars "
                f"'{json.dumps(dbt_vars, ensure_ascii=False)}'"
            )

    return run_checks(
        f"Checking {contract.label} export {export}",
        check,
        ExportError,
        # another CRM's folder is one line (WrongCrmError); other problems are paragraphs
        lambda exc: f"error: {exc}" if isinstance(exc, WrongCrmError) else f"Export error:\n\n{exc}",
        after=print_dbt_vars,
    )
