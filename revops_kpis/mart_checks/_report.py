"""Reports of the mart checks: `mart_checks.md`, `mart_checks.json` and the terminal summary."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from revops_kpis.mart_checks import _rules

if TYPE_CHECKING:  # pragma: no cover
    from revops_kpis.mart_checks._suite import MartCheckOutcome, MartValidation


def _md(text: object) -> str:
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("`", "'").replace("\n", " ")


def _details(outcome: MartCheckOutcome) -> str:
    parts = []
    if outcome.expected_value is not None:
        parts.append(f"expected {outcome.expected_value:,}, observed {outcome.observed_value:,}"
                     if outcome.observed_value is not None else f"expected {outcome.expected_value:,}")
    if outcome.unexpected_count:
        total = f" of {outcome.element_count:,}" if outcome.element_count is not None else ""
        parts.append(f"{outcome.unexpected_count:,}{total} rows unexpected")
    if outcome.sample_values:
        parts.append("e.g. " + ", ".join(_md(value) for value in outcome.sample_values))
    if outcome.exception:
        parts.append(_md(outcome.exception))
    return "; ".join(parts)


def _markdown(validation: MartValidation) -> str:
    total = len(validation.expectations)
    failed = validation.failed
    lines = [
        "# Mart checks",
        "",
        f"**Result: {'PASSED' if validation.success else 'FAILED'}** - {len(validation.tables)} tables of "
        f"schema `{validation.schema}`, {total - len(failed)}/{total} expectations passed.",
        "",
        f"- Warehouse: `{_md(validation.duckdb_path)}` (read-only)",
        f"- Generated {validation.generated_at} in {validation.seconds:.1f} s",
        "- Conventions: `*_rate` in 0..1, `*_amount` >= 0, `days_*` / `*_days` / `*_minutes` >= 0, keys unique "
        "and not null, row counts consistent with the models the marts are built from.",
        "- Documented exceptions (revops_kpis/mart_checks/_rules.py):",
    ]
    for name, (low, high, reason) in _rules.RATE_RANGES.items():
        bounds = f"{'-inf' if low is None else f'{low:g}'}..{'+inf' if high is None else f'{high:g}'}"
        lines.append(f"  - `{name}` in {bounds}: {_md(reason)}")
    for name, reason in _rules.SIGNED_AMOUNTS.items():
        lines.append(f"  - `{name}` may be negative: {_md(reason)}")
    if failed:
        lines += ["", "## Failed expectations", ""]
        for outcome in failed:
            lines.append(
                f"- {outcome.table}.{outcome.column or '(table)'}: {_md(outcome.check)} - "
                f"`{outcome.expectation_type}`; {_details(outcome)}"
            )
    for table in validation.tables:
        lines += [
            "",
            f"## {table.table} - {'PASSED' if table.success else 'FAILED'}",
            "",
            f"{table.row_count:,} rows; key: {', '.join(table.key) or '(none)'} ({_md(table.key_source)}).",
        ]
        for note in table.notes:
            lines.append(f"- Note: {_md(note)}")
        lines += [
            "",
            "| Expectation | Column | Check | Result | Details |",
            "|---|---|---|---|---|",
        ]
        for outcome in table.outcomes:
            lines.append(
                f"| `{outcome.expectation_type}` | {_md(outcome.column or '(table)')} | {_md(outcome.check)} | "
                f"{'pass' if outcome.success else '**FAIL**'} | {_details(outcome)} |"
            )
    return "\n".join(lines) + "\n"


def write_reports(validation: MartValidation) -> None:
    validation.report_dir.mkdir(parents=True, exist_ok=True)
    validation.markdown_path = validation.report_dir / "mart_checks.md"
    validation.json_path = validation.report_dir / "mart_checks.json"
    validation.markdown_path.write_text(_markdown(validation), encoding="utf-8")
    validation.json_path.write_text(json.dumps(validation.to_dict(), indent=2, default=str) + "\n", encoding="utf-8")


def format_summary(validation: MartValidation) -> str:
    """A compact multi-line summary for a terminal."""
    total = len(validation.expectations)
    failed = validation.failed
    rows = sum(table.row_count for table in validation.tables)
    lines = [
        f"Mart checks {'PASSED' if validation.success else 'FAILED'}: {validation.duckdb_path} "
        f"(schema {validation.schema})",
        f"  tables checked: {len(validation.tables)} ({rows:,} rows)",
        f"  expectations:   {total - len(failed)} passed, {len(failed)} failed",
    ]
    for outcome in failed:
        lines.append(f"  FAILED {outcome.table}.{outcome.column or '(table)'}: {outcome.check} - {_details(outcome)}")
    lines.append(f"  report: {validation.markdown_path or (validation.report_dir / 'mart_checks.md')}")
    return "\n".join(lines)
