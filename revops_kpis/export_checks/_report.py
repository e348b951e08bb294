"""Reports: `export_checks.md` and `export_checks.json` (the terminal summary is
`ExportValidation.summary()`)."""

from __future__ import annotations

from revops_kpis.checks.reports import md
from revops_kpis.checks.reports import write_reports as _write_pair
from revops_kpis.export_checks._results import ExpectationOutcome, ExportValidation, ObjectValidation, percent
from revops_kpis.export_spec import crm_contract


def _rows_note(o: ObjectValidation) -> str:
    if o.sampled:
        approx = "" if o.rows_in_file_exact else "about "
        total = f" of {approx}{o.rows_in_file:,}" if o.rows_in_file is not None else ""
        return f"Sampled: validated the first {o.rows_validated:,} rows{total}."
    return f"{o.rows_validated:,} rows validated (all rows)."


def _details(o: ExpectationOutcome, personal: bool) -> str:
    parts = []
    if o.observed_value is not None:
        parts.append(f"observed {o.observed_value:,}")
    if o.unexpected_count:
        parts.append(f"{o.unexpected_count:,} unexpected")
        if o.sample_values:
            parts.append("e.g. " + ", ".join(f"'{md(v)}'" for v in o.sample_values))
        if o.sample_rows:
            parts.append("rows " + ", ".join(map(str, o.sample_rows)))
        if personal:
            parts.append("values withheld (personal data)")
    if o.exception:
        parts.append(md(o.exception))
    return "; ".join(parts) or ""


def _markdown(v: ExportValidation) -> str:
    pf = v.preflight
    total = len(v.expectations)
    failed = v.failed
    lines = [
        "# CRM export checks",
        "",
        f"**Result: {'PASSED' if v.success else 'FAILED'}** - {len(v.objects)} objects, "
        f"{v.rows_validated:,} rows validated, {total - len(failed)}/{total} expectations passed.",
        "",
        f"- Export: `{md(v.export_path)}` (encoding {v.encoding})",
        f"- CRM: {crm_contract(pf.crm).label} (the contract `{crm_contract(pf.crm).sources_in_project.as_posix()}`)",
        f"- Tolerance: value checks pass when at least {v.mostly:.0%} of non-null values are "
        f"valid (`mostly` = {v.mostly})"
        + (
            f"; up to {v.allow_bad_rows} bad values per check always pass, so one bad or "
            f"duplicated row does not fail a small object (a majority must still be valid)"
            if v.allow_bad_rows
            else ""
        )
        + ". Bad rows are quarantined by the dbt staging models.",
        f"- Sample: the first {v.sample_rows:,} rows of each object"
        + (f"; sampled: {', '.join(o.object_name for o in v.objects if o.sampled)}" if any(o.sampled for o in v.objects) else "; no object was sampled"),
        f"- Generated {v.generated_at} in {v.seconds:.1f} s",
    ]
    if pf.missing_optional_objects:
        lines.append(f"- Optional objects not in the export: {', '.join(pf.missing_optional_objects)}")
    if pf.ignored_files:
        lines.append(f"- Files ignored (not part of the contract): {', '.join(md(f) for f in pf.ignored_files)}")
    for w in pf.warnings + v.warnings:
        lines.append(f"- Warning: {md(w)}")
    lines.append("- Rows are numbered from 1 = the first data row after the header.")
    if failed:
        lines += ["", "## Failed expectations", ""]
        for name, o in failed:
            lines.append(
                f"- {name}: {o.check} - `{o.expectation_type}` on `{o.column or '(table)'}`, "
                f"{percent(o.unexpected_percent)} unexpected"
            )
    for o in v.objects:
        lines += [
            "",
            f"## {o.object_name} - `{md(o.file)}` - {'PASSED' if o.success else 'FAILED'}",
            "",
            _rows_note(o)
            + (" Failing values are withheld for this object (it holds personal data); "
               "only counts and row numbers are shown." if o.personal else ""),
            "",
            "| Expectation | Column | Check | Result | Unexpected % | Details |",
            "|---|---|---|---|---|---|",
        ]
        for e in o.outcomes:
            lines.append(
                f"| `{e.expectation_type}` | {md(e.column or '(table)')} | {md(e.check)} | "
                f"{'pass' if e.success else '**FAIL**'} | {percent(e.unexpected_percent)} | "
                f"{_details(e, o.personal)} |"
            )
    return "\n".join(lines) + "\n"


def write_reports(v: ExportValidation) -> None:
    """Writes export_checks.md and export_checks.json into `v.report_dir`."""
    _write_pair(v, _markdown(v))


def format_summary(validation: ExportValidation) -> str:
    """A compact multi-line summary for a terminal."""
    return validation.summary()
