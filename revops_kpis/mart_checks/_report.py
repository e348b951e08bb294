"""Reports of the mart checks: `mart_checks.md` and `mart_checks.json` (the terminal summary is
`MartValidation.summary()`)."""

from __future__ import annotations

from revops_kpis.checks.reports import md
from revops_kpis.checks.reports import write_reports as _write_pair
from revops_kpis.mart_checks import _rules
from revops_kpis.mart_checks._results import MartValidation, details


def _markdown(validation: MartValidation) -> str:
    total = len(validation.expectations)
    failed = validation.failed
    lines = [
        "# Mart checks",
        "",
        f"**Result: {'PASSED' if validation.success else 'FAILED'}** - {len(validation.tables)} tables of "
        f"schema `{validation.schema}`, {total - len(failed)}/{total} expectations passed.",
        "",
        f"- Warehouse: `{md(validation.duckdb_path)}` (read-only)",
        f"- Generated {validation.generated_at} in {validation.seconds:.1f} s",
        "- Conventions: `*_rate` in 0..1, `*_amount` >= 0, `days_*` / `*_days` / `*_minutes` >= 0, keys unique "
        "and not null, row counts consistent with the models the marts are built from.",
        "- Documented exceptions (revops_kpis/mart_checks/_rules.py):",
    ]
    for name, (low, high, reason) in _rules.RATE_RANGES.items():
        bounds = f"{'-inf' if low is None else f'{low:g}'}..{'+inf' if high is None else f'{high:g}'}"
        lines.append(f"  - `{name}` in {bounds}: {md(reason)}")
    for name, reason in _rules.SIGNED_AMOUNTS.items():
        lines.append(f"  - `{name}` may be negative: {md(reason)}")
    if failed:
        lines += ["", "## Failed expectations", ""]
        for outcome in failed:
            lines.append(
                f"- {outcome.table}.{outcome.column or '(table)'}: {md(outcome.check)} - "
                f"`{outcome.expectation_type}`; {details(outcome)}"
            )
    for table in validation.tables:
        lines += [
            "",
            f"## {table.table} - {'PASSED' if table.success else 'FAILED'}",
            "",
            f"{table.row_count:,} rows; key: {', '.join(table.key) or '(none)'} ({md(table.key_source)}).",
        ]
        for note in table.notes:
            lines.append(f"- Note: {md(note)}")
        lines += [
            "",
            "| Expectation | Column | Check | Result | Details |",
            "|---|---|---|---|---|",
        ]
        for outcome in table.outcomes:
            lines.append(
                f"| `{outcome.expectation_type}` | {md(outcome.column or '(table)')} | {md(outcome.check)} | "
                f"{'pass' if outcome.success else '**FAIL**'} | {details(outcome)} |"
            )
    return "\n".join(lines) + "\n"


def write_reports(validation: MartValidation) -> None:
    """Writes mart_checks.md and mart_checks.json into `validation.report_dir`."""
    _write_pair(validation, _markdown(validation))


def format_summary(validation: MartValidation) -> str:
    """A compact multi-line summary for a terminal."""
    return validation.summary()
