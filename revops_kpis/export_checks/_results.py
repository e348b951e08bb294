"""What the export checks found: one outcome per expectation, one validation per object, the
validation of the export (with its terminal summary)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from revops_kpis.checks.results import CheckedRun, Outcome, OutcomeGroup
from revops_kpis.export_checks._preflight import PreflightResult

SAMPLE_VALUES = 5  # failing values shown per expectation (objects without personal data only)
SAMPLE_ROWS_SHOWN = 10  # row numbers shown per failing expectation


def percent(value: float | None) -> str:
    """An unexpected share as the reports show it: `-` when unknown, `0%`, else `1.25%`."""
    if value is None:
        return "-"
    return f"{value:.2f}%" if value else "0%"


@dataclass(kw_only=True)
class ExpectationOutcome(Outcome):
    mostly: float | None = None
    unexpected_percent: float | None = None  # of non-null values (what `mostly` applies to)
    # sample_values: never for personal objects
    sample_rows: list[int] = field(default_factory=list)  # data row numbers, 1-based

    def to_dict(self) -> dict[str, Any]:
        return {
            "expectation_type": self.expectation_type,
            "column": self.column,
            "check": self.check,
            "success": self.success,
            "mostly": self.mostly,
            "element_count": self.element_count,
            "unexpected_count": self.unexpected_count,
            "unexpected_percent": self.unexpected_percent,
            "observed_value": self.observed_value,
            "sample_values": self.sample_values,
            "sample_rows": self.sample_rows,
            "exception": self.exception,
        }


@dataclass
class ObjectValidation(OutcomeGroup):
    object_name: str
    file: str
    format: str
    required: bool
    personal: bool  # values withheld from the report
    rows_validated: int
    rows_in_file: int | None
    rows_in_file_exact: bool
    sampled: bool
    malformed_lines: list[int]
    outcomes: list[ExpectationOutcome]
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "object": self.object_name,
            "file": self.file,
            "format": self.format,
            "required": self.required,
            "personal_data": self.personal,
            "success": self.success,
            "rows_validated": self.rows_validated,
            "rows_in_file": self.rows_in_file,
            "rows_in_file_exact": self.rows_in_file_exact,
            "sampled": self.sampled,
            "malformed_lines": self.malformed_lines[:SAMPLE_ROWS_SHOWN],
            "malformed_line_count": len(self.malformed_lines),
            "expectations": [o.to_dict() for o in self.outcomes],
            "seconds": round(self.seconds, 3),
        }


@dataclass
class ExportValidation(CheckedRun):
    REPORT_NAME = "export_checks"

    export_path: Path
    report_dir: Path
    encoding: str
    mostly: float
    allow_bad_rows: int
    sample_rows: int
    preflight: PreflightResult
    objects: list[ObjectValidation]
    seconds: float
    generated_at: str
    markdown_path: Path | None = None
    json_path: Path | None = None
    export_files: dict[str, str] = field(default_factory=dict)  # the dbt var crm_export_files
    # warnings across objects (currencies no rate covers): they never fail the check
    warnings: list[str] = field(default_factory=list)

    @property
    def groups(self) -> list[ObjectValidation]:
        return self.objects

    @property
    def expectations(self) -> list[tuple[str, ExpectationOutcome]]:
        return [(o.object_name, e) for o in self.objects for e in o.outcomes]

    @property
    def failed(self) -> list[tuple[str, ExpectationOutcome]]:
        return [(n, e) for n, e in self.expectations if not e.success]

    @property
    def rows_validated(self) -> int:
        return sum(o.rows_validated for o in self.objects)

    def object(self, name: str) -> ObjectValidation:
        for o in self.objects:
            if o.object_name.lower() == name.lower():
                return o
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        pf = self.preflight
        return {
            "success": self.success,
            "generated_at": self.generated_at,
            "export_path": str(self.export_path),
            "crm": self.preflight.crm,
            "encoding": self.encoding,
            "mostly": self.mostly,
            "allow_bad_rows": self.allow_bad_rows,
            "sample_rows": self.sample_rows,
            "seconds": round(self.seconds, 3),
            "summary": {
                "objects_checked": len(self.objects),
                "rows_validated": self.rows_validated,
                "expectations": len(self.expectations),
                "passed": len(self.expectations) - len(self.failed),
                "failed": len(self.failed),
                "sampled_objects": [o.object_name for o in self.objects if o.sampled],
            },
            "warnings": self.warnings,
            "preflight": {
                "files": {o: str(f.path.name) for o, f in pf.files.items()},
                "missing_optional_objects": pf.missing_optional_objects,
                "ignored_files": pf.ignored_files,
                "warnings": pf.warnings,
            },
            "objects": [o.to_dict() for o in self.objects],
        }

    def summary(self) -> str:
        """A compact multi-line summary for a terminal."""
        v = self
        total = len(v.expectations)
        failed = v.failed
        sampled = [o.object_name for o in v.objects if o.sampled]
        lines = [
            f"Export checks {'PASSED' if v.success else 'FAILED'}: {v.export_path}",
            f"  objects checked: {len(v.objects)} ({', '.join(o.object_name for o in v.objects)})",
            f"  rows validated:  {v.rows_validated:,}" + (f" (sampled: {', '.join(sampled)})" if sampled else ""),
            f"  expectations:    {total - len(failed)} passed, {len(failed)} failed (mostly={v.mostly})",
        ]
        if v.preflight.missing_optional_objects:
            lines.append(f"  optional objects absent: {', '.join(v.preflight.missing_optional_objects)}")
        for w in v.warnings:
            lines.append(f"  warning: {w}")
        for name, o in failed:
            lines.append(
                f"  FAILED {name}.{o.column or '(table)'}: {o.check} "
                f"[{o.expectation_type}], {percent(o.unexpected_percent)} unexpected"
            )
        lines.append(f"  report: {v.report_path}")
        return "\n".join(lines)
