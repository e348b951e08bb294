"""Report writing shared by the checks: Markdown escaping, clipped values, the Markdown and
JSON files of a run."""

from __future__ import annotations

import json
from typing import Any

from revops_kpis.checks.results import CheckedRun


def md(text: Any) -> str:
    """Text safe inside a Markdown table cell (pipes and backslashes escaped, one line)."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("`", "'").replace("\n", " ")


def clip(value: Any, width: int) -> str:
    """A value as short text: null for None / NaN, cut to `width` characters with an ellipsis."""
    text = "null" if value is None or value != value else str(value)  # NaN != NaN
    return text if len(text) <= width else text[: width - 1] + "…"


def write_reports(run: CheckedRun, markdown: str) -> None:
    """Writes `<REPORT_NAME>.md` (the given text) and `<REPORT_NAME>.json` (`run.to_dict()`)
    into `run.report_dir` and records their paths on the run."""
    run.report_dir.mkdir(parents=True, exist_ok=True)
    run.markdown_path = run.report_dir / f"{run.REPORT_NAME}.md"
    run.json_path = run.report_dir / f"{run.REPORT_NAME}.json"
    run.markdown_path.write_text(markdown, encoding="utf-8")
    run.json_path.write_text(json.dumps(run.to_dict(), indent=2, default=str) + "\n", encoding="utf-8")
