"""What a check run found: one outcome per expectation, grouped by object or table."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence


@dataclass
class Outcome:
    """One expectation's result. The packages add their own fields (keyword-only)."""

    expectation_type: str
    column: str | None
    check: str  # what the check means, for a person
    success: bool
    element_count: int | None = None
    unexpected_count: int | None = None
    observed_value: Any = None
    sample_values: list[str] = field(default_factory=list)
    exception: str | None = None


class OutcomeGroup:
    """The outcomes of one object or table (mixed into its dataclass)."""

    outcomes: list[Outcome]

    @property
    def success(self) -> bool:
        return all(outcome.success for outcome in self.outcomes)

    @property
    def passed(self) -> int:
        return sum(outcome.success for outcome in self.outcomes)

    @property
    def failed(self) -> list[Any]:
        return [outcome for outcome in self.outcomes if not outcome.success]


class CheckedRun:
    """A whole run (mixed into its dataclass): its groups, where its reports are, and its
    summary for a terminal. `REPORT_NAME` names the report files (`<name>.md`, `.json`)."""

    REPORT_NAME = "checks"
    report_dir: Path
    markdown_path: Path | None
    json_path: Path | None

    @property
    def groups(self) -> Sequence[OutcomeGroup]:
        raise NotImplementedError

    @property
    def success(self) -> bool:
        return all(group.success for group in self.groups)

    @property
    def report_path(self) -> Path:
        """The Markdown report: where it was written, else where it will be."""
        return self.markdown_path or (self.report_dir / f"{self.REPORT_NAME}.md")

    def to_dict(self) -> dict[str, Any]:
        raise NotImplementedError

    def summary(self) -> str:
        """A compact multi-line summary for a terminal."""
        raise NotImplementedError
