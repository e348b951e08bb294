"""What the mart checks found: one outcome per expectation, one validation per table, the
validation of the marts (with its terminal summary)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from revops_kpis.checks.reports import md
from revops_kpis.checks.results import CheckedRun, Outcome, OutcomeGroup
from revops_kpis.mart_checks import _rules


@dataclass(kw_only=True)
class MartCheckOutcome(Outcome):
    table: str
    expected_value: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "check": self.check,
            "expectation_type": self.expectation_type,
            "column": self.column,
            "success": self.success,
            "element_count": self.element_count,
            "unexpected_count": self.unexpected_count,
            "observed_value": self.observed_value,
            "expected_value": self.expected_value,
            "sample_values": self.sample_values,
            "exception": self.exception,
        }


def details(outcome: MartCheckOutcome) -> str:
    """Expected and observed values, unexpected rows, sample values, an exception: one line."""
    parts = []
    if outcome.expected_value is not None:
        parts.append(f"expected {outcome.expected_value:,}, observed {outcome.observed_value:,}"
                     if outcome.observed_value is not None else f"expected {outcome.expected_value:,}")
    if outcome.unexpected_count:
        total = f" of {outcome.element_count:,}" if outcome.element_count is not None else ""
        parts.append(f"{outcome.unexpected_count:,}{total} rows unexpected")
    if outcome.sample_values:
        parts.append("e.g. " + ", ".join(md(value) for value in outcome.sample_values))
    if outcome.exception:
        parts.append(md(outcome.exception))
    return "; ".join(parts)


@dataclass
class TableValidation(OutcomeGroup):
    table: str
    row_count: int
    key: tuple[str, ...]
    key_source: str
    notes: list[str]
    outcomes: list[MartCheckOutcome]
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "success": self.success,
            "row_count": self.row_count,
            "key": list(self.key),
            "key_source": self.key_source,
            "notes": self.notes,
            "expectations": [outcome.to_dict() for outcome in self.outcomes],
            "seconds": round(self.seconds, 3),
        }


@dataclass
class MartValidation(CheckedRun):
    REPORT_NAME = "mart_checks"

    duckdb_path: Path
    report_dir: Path
    schema: str
    tables: list[TableValidation]
    seconds: float
    generated_at: str
    markdown_path: Path | None = None
    json_path: Path | None = None

    @property
    def groups(self) -> list[TableValidation]:
        return self.tables

    @property
    def expectations(self) -> list[MartCheckOutcome]:
        return [outcome for table in self.tables for outcome in table.outcomes]

    @property
    def failed(self) -> list[MartCheckOutcome]:
        return [outcome for outcome in self.expectations if not outcome.success]

    def table(self, name: str) -> TableValidation:
        for table in self.tables:
            if table.table == name:
                return table
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "success": self.success,
            "generated_at": self.generated_at,
            "duckdb_path": str(self.duckdb_path),
            "schema": self.schema,
            "seconds": round(self.seconds, 3),
            "summary": {
                "tables_checked": len(self.tables),
                "expectations": len(self.expectations),
                "passed": len(self.expectations) - len(self.failed),
                "failed": len(self.failed),
            },
            "conventions": {
                "rate_exceptions": {name: {"min": low, "max": high, "reason": reason}
                                    for name, (low, high, reason) in _rules.RATE_RANGES.items()},
                "signed_amounts": dict(_rules.SIGNED_AMOUNTS),
            },
            "tables": [table.to_dict() for table in self.tables],
        }

    def summary(self) -> str:
        """A compact multi-line summary for a terminal."""
        total = len(self.expectations)
        failed = self.failed
        rows = sum(table.row_count for table in self.tables)
        lines = [
            f"Mart checks {'PASSED' if self.success else 'FAILED'}: {self.duckdb_path} "
            f"(schema {self.schema})",
            f"  tables checked: {len(self.tables)} ({rows:,} rows)",
            f"  expectations:   {total - len(failed)} passed, {len(failed)} failed",
        ]
        for outcome in failed:
            lines.append(f"  FAILED {outcome.table}.{outcome.column or '(table)'}: {outcome.check} - {details(outcome)}")
        lines.append(f"  report: {self.report_path}")
        return "\n".join(lines)
