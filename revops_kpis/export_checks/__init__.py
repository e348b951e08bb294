"""Checks on a CRM export folder before dbt reads it: Salesforce objects, or (`crm='hubspot'`)
the Fivetran HubSpot tables.

Two stages, both driven by the CRM's export contract, its dbt sources file
(`models/staging/salesforce/_salesforce__sources.yml`, `models/staging/hubspot/_hubspot__sources.yml`,
through `export_spec.load_spec(crm=...)`): the same code for both CRMs, the contract is the spec
(tables, columns and types, `key_columns`, `references`). A folder that is the other CRM's export
raises `WrongCrmError` (one line naming the --crm to use). The rest is described for Salesforce:

1. `preflight()`: plain Python and pyarrow, fast, streams files. It finds one file per
   Salesforce object (`Opportunity.csv`, `.csv.gz` or `.parquet`, name matched
   case-insensitively, as the dbt landing macro does), reads CSV headers and Parquet schemas
   (headers matched with `match_key` on the API name, else the house name, as in dbt), checks
   that required objects and required columns are there, spots a wrong delimiter, and makes one
   decode pass over each CSV
   (in chunks, so a multi-GB file is fine) to catch binary junk and bytes that are not valid in
   the chosen encoding. Anything that would make the dbt landing fail raises `ExportError`, whose
   message names the file, says what is wrong and what to do.

2. `validate_export()`: a Great Expectations suite per present object (GX 1.x, ephemeral
   context, pandas datasource on all-string frames, values trimmed and 'null' read as null as
   the staging macros do). Value-level checks tolerate a small share of bad values (`mostly`,
   relaxed on small objects to `allow_bad_rows` bad values, never below a majority):
   quarantining bad rows is the dbt project's job; a broken file fails.
   Large files are validated on a deterministic sample (the first `sample_rows` rows), and the
   report says so. It writes `export_checks.md` and `export_checks.json` to `report_dir`.
   Across objects it warns (never fails) when deals or quotas use currencies that neither
   DatedConversionRate nor CurrencyType covers (`currency_coverage_warnings`): dbt cannot
   convert those amounts and leaves them out of the money KPIs.

Personal data. For objects that declare a personal column (`meta.personal: true`: User.Email,
Task.Subject, Event.Subject) GX runs with `exclude_unexpected_values`, so failing values are never
echoed, only counts and row numbers. This applies to every column of such an object, not just the
personal one: a malformed row (a missing field) shifts values one column left, and an email
address would then show up as a "bad id" in the neighbouring column. Columns outside the contract
are dropped right after reading and never reach GX or the report.

Modules, each importing only those before it: `_preflight` (files, headers, decode pass),
`_frames` (the all-string frames GX reads), `_currency` (currencies without a rate),
`_results` (outcomes per object, the export's validation and its terminal summary), `_report`
(Markdown / JSON), `_suite` (the GX suite per object, `validate_export`), `_cli` (command line).
The result classes, report writing, GX plumbing and command-line frame they build on are the
shared checks core, `revops_kpis.checks`.

Command line: `python -m revops_kpis.export_checks [--crm salesforce|hubspot] [--export PATH] [--report-dir DIR]
[--encoding ENC] [--mostly F] [--allow-bad-rows N] [--sample-rows N]`; exit code 0 when all expectations pass, 1 when some fail, 2 when
the export cannot be read (`ExportError`, message on stderr).
"""

from revops_kpis.export_checks._cli import DEFAULT_EXPORT_PATH, DEFAULT_REPORT_DIR, main
from revops_kpis.export_checks._preflight import (
    DEFAULT_LOSS_REASON_FIELD,
    ExportError,
    ExportFile,
    PreflightResult,
    WrongCrmError,
    inspect_export,
    preflight,
)
from revops_kpis.export_checks._currency import currency_coverage_warnings
from revops_kpis.export_checks._report import format_summary
from revops_kpis.export_checks._results import ExpectationOutcome, ExportValidation, ObjectValidation
from revops_kpis.export_checks._suite import TYPE_REGEXES, effective_mostly, validate_export

__all__ = [
    "DEFAULT_EXPORT_PATH",
    "DEFAULT_LOSS_REASON_FIELD",
    "DEFAULT_REPORT_DIR",
    "TYPE_REGEXES",
    "ExpectationOutcome",
    "ExportError",
    "ExportFile",
    "ExportValidation",
    "ObjectValidation",
    "currency_coverage_warnings",
    "effective_mostly",
    "PreflightResult",
    "WrongCrmError",
    "format_summary",
    "inspect_export",
    "main",
    "preflight",
    "validate_export",
]
