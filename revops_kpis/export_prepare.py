"""Prepared copies of the export files that dbt cannot read as they are.

The export checks (`revops_kpis.export_checks.inspect_export`) tell, per file, what reading
it involves: lines that are not UTF-8 (a Latin-1 / Windows-1252 file, or one that mixes both),
dates written in a locale order (`03/14/2025`, `14.03.2025 14:05`), numbers written in a
locale (`1.200,50`, `1 200,50`, `1,200.50`, `(1,200.50)`). Such a file gets a
prepared copy, written once before dbt runs: UTF-8, the contract's columns only (a column the
project does not read cannot stop it), every data row in the order of the file (so row numbers
in the quarantine are the file's), the contract's date and timestamp columns in ISO 8601 and
its amount and number columns as plain decimals (`1200.50`). Values that are neither are
copied as they are, so staging quarantines them with their reason. Every other file is read where it is.

The result is the dbt var `crm_export_files` ({ObjectName: path}); an optional object whose
file holds no rows maps to '' (read as absent), whatever its header says.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path

from revops_kpis.export_checks._preflight import (
    DATE_ORDER_VAR,
    NUMBER_TYPES,
    ExportError,
    ExportFile,
    PreflightResult,
    _dbt_vars,
    csv_rows,
    first_positions,
    number_format_problem,
)
from revops_kpis.export_formats import (
    DATE_ORDER_LABELS,
    DateEvidence,
    NumberEvidence,
    decide_date_order,
    decide_number_format,
    to_iso,
    to_plain_number,
)
from revops_kpis.export_spec import load_spec


def prepare_export(
    result: PreflightResult, out_dir: Path | str, progress: Callable[[str], None] | None = None
) -> dict[str, str]:
    """Writes the prepared copies into `out_dir` (emptied first) and returns the dbt var
    `crm_export_files`; sets `read_path` on every file of `result`."""
    out_dir = Path(out_dir)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    say = progress or (lambda _message: None)
    named: dict[str, str] = {}
    spec = load_spec()
    for name, export_file in result.files.items():
        if not export_file.required and (export_file.empty or export_file.header_only):
            named[name] = ""
            export_file.read_path = None
            continue
        if not export_file.needs_preparing:
            export_file.read_path = export_file.path
            continue
        out_dir.mkdir(parents=True, exist_ok=True)
        target = out_dir / f"{name}.csv"
        rows = _write_prepared(export_file, spec[name], result, target)
        export_file.read_path = target
        named[name] = str(target.resolve())
        say(f"{export_file.name}: prepared copy {target} ({rows:,} rows)")
    return named


def _write_prepared(export_file: ExportFile, object_spec, result: PreflightResult, target: Path) -> int:
    dbt_vars = _dbt_vars(result.loss_reason_field)
    positions = first_positions(export_file.header)
    # the contract's columns as the landing reads them (the first of a repeated header), and the
    # loader's deleted flag when the export carries it
    kept = sorted({positions[header] for header in export_file.columns.values()})
    kept += [i for i, h in enumerate(export_file.header) if h.lower() == "_fivetran_deleted" and i not in kept]
    kinds = {}
    numbers = {}  # position -> API name of the amount and number columns
    for column in object_spec.columns:
        header = export_file.columns.get(column.api_name_for(dbt_vars))
        if header is not None and column.type in ("date", "timestamp"):
            kinds[positions[header]] = column.type == "timestamp"
        if header is not None and column.type in NUMBER_TYPES:
            numbers[positions[header]] = column.api_name_for(dbt_vars)
    order = export_file.date_order
    number_format = export_file.number_format
    evidence = DateEvidence()
    number_evidence = NumberEvidence()
    count = 0
    with csv_rows(export_file.path, result.encoding, export_file.compression) as rows, target.open(
        "w", encoding="utf-8", newline=""
    ) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([export_file.header[i] for i in kept])
        for count, row in enumerate(rows, start=1):
            values = []
            for position in kept:
                value = row[position] if position < len(row) else ""
                if position in kinds and value:
                    evidence.add(value, count)
                    value = to_iso(value, order, with_time=kinds[position])
                elif position in numbers and value:
                    number_evidence.add(value, count, numbers[position])
                    value = to_plain_number(value, number_format)
                values.append(value)
            writer.writerow(values)
    decision = decide_date_order(evidence, order) if order in ("us", "eu") else None
    if decision is not None and decision.order is None:
        # a row past the rows the checks read contradicts the order they chose
        raise ExportError(
            f"{export_file.name}: its dates were read as {DATE_ORDER_LABELS[order]}, but "
            f"{decision.reason}. Re-export the file with one date format, or name the order with "
            f"`--date-order us` or `--date-order eu` (the dbt var `{DATE_ORDER_VAR}`).",
            [export_file.path],
        )
    if number_format in ("us", "eu"):
        number_decision = decide_number_format(number_evidence, number_format)
        if number_decision.number_format is None:
            # a row past the rows the checks read is written in the other format
            raise ExportError(
                number_format_problem(
                    export_file.name, list(number_evidence.columns), number_decision.problem or "",
                    f"they were read as {number_format}, but {number_decision.reason}",
                ),
                [export_file.path],
            )
    return count
