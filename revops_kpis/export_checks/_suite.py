"""The Great Expectations suite of the export: one suite per object, on the all-string frames
`_frames` reads, planned from the export contract; the outcomes in `_results`, the reports
written by `_report`.

GX 1.x, ephemeral context, pandas datasource. Imported lazily (GX takes seconds to import).
"""

from __future__ import annotations

import datetime as _dt
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from revops_kpis.checks.gx import distinct_samples, exception_message, gx_context, observed_int, plan_index, run_suite
from revops_kpis.export_checks._currency import CURRENCY_OBJECTS, currency_coverage_warnings
from revops_kpis.export_checks._frames import _read_frame
from revops_kpis.export_checks._preflight import (
    DEFAULT_CORPORATE_CURRENCY,
    DEFAULT_LOSS_REASON_FIELD,
    ExportError,
    ExportFile,
    PreflightResult,
    _by_file,
    _dbt_vars,
    inspect_export,
)
from revops_kpis.export_checks._report import write_reports
from revops_kpis.export_checks._results import (
    SAMPLE_ROWS_SHOWN,
    SAMPLE_VALUES,
    ExpectationOutcome,
    ExportValidation,
    ObjectValidation,
)
from revops_kpis.export_spec import ObjectSpec, crm_contract, load_spec

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

# --------------------------------------------------------------------------------------------
# Value formats. Only [0-9], not \d (which matches any Unicode digit). Written without inline
# flags so that the same patterns would work on a SQL engine's regex dialect.
# --------------------------------------------------------------------------------------------
_DATE = r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
_TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]*)?)?"
# Z, an offset, or a ` UTC` suffix (Fivetran's CSV form of a TIMESTAMP, which DuckDB reads)
_ZONE = r" ?(?:[Zz]|[+-](?:[01][0-9]|2[0-3])(?::?[0-5][0-9])?|[Uu][Tt][Cc])"
_DECIMAL = r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"


def _ci(word: str) -> str:
    """Case-insensitive regex for a word without inline flags: 'no' -> '[Nn][Oo]'."""
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else c for c in word)


# What the staging macros (macros/cleaning/parse_*.sql) can parse, checked on trimmed text;
# a little stricter on dates (month 01-12, day 01-31), which the macros null out anyway.
TYPE_REGEXES: dict[str, str] = {
    "id": r"^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$",
    "integer_id": r"^[0-9]+$",
    "timestamp": rf"^{_DATE}(?:[T ]{_TIME}(?:{_ZONE})?)?$",
    "date": rf"^{_DATE}(?:[T ]{_TIME}(?:{_ZONE})?)?$",  # a time part is ignored by parse_date
    "amount": _DECIMAL,
    "number": _DECIMAL,
    "integer": r"^[+-]?[0-9]+$",
    "boolean": "^(?:"
    + "|".join(_ci(w) for w in ("true", "false", "yes", "no", "t", "f", "y", "n"))
    + "|1|0)$",
}
TYPE_LABELS = {
    "id": "15/18-char Salesforce id",
    "integer_id": "numeric id (digits only)",
    "timestamp": "ISO 8601 timestamp",
    "date": "ISO date YYYY-MM-DD",
    "amount": "decimal amount",
    "number": "decimal number",
    "integer": "integer",
    "boolean": "boolean (true/false/t/f/yes/no/y/n/1/0)",
}


def effective_mostly(mostly: float, allow_bad_rows: int, considered: int) -> float:
    """The `mostly` of one value check on `considered` values.

    The share `mostly`, relaxed on small objects so that `allow_bad_rows` unexpected values
    always pass (one duplicated row counts twice in a uniqueness check), but never below a
    majority (0.5) unless `mostly` itself is lower: a file whose values are mostly bad fails.
    """
    if considered <= 0 or allow_bad_rows <= 0:
        return mostly
    # the same expression GX evaluates, less a hair so that equality passes
    floor = (considered - allow_bad_rows) / considered - 1e-9
    return min(mostly, max(0.5, floor))


def _expectation_plan(
    spec: ObjectSpec,
    ef: ExportFile,
    frame: pd.DataFrame,
    mostly: float,
    allow_bad_rows: int,
    dbt_vars: dict[str, str],
    parent_values: dict[tuple[str, str], set[str]] | None = None,
) -> list[tuple[Any, str, str | None]]:
    """(GX expectation, label, column) for one object. `parent_values`: the values of each
    (parent object, column) the object's references name, read from the export (a parent
    absent or sampled is left out: its references are not checked)."""
    import great_expectations as gx

    E = gx.expectations

    def share(api: str | None) -> float:  # of all rows (api None) or of a column's non-nulls
        n = len(frame) if api is None else int(frame[api].notna().sum())
        return effective_mostly(mostly, allow_bad_rows, n)

    plan: list[tuple[Any, str, str | None]] = []
    keyed_by_id = "id" in spec.key_columns
    if spec.required:
        plan.append((E.ExpectTableRowCountToBeBetween(min_value=1), "has rows", None))
    if ef.empty:
        return plan
    for col in spec.columns:
        api = col.api_name_for(dbt_vars)
        if col.required:
            plan.append((E.ExpectColumnToExist(column=api), "required column present", api))
    for col in spec.columns:
        api = col.api_name_for(dbt_vars)
        if api not in ef.columns:
            continue
        if col.name == "id" and not keyed_by_id:
            # the record's key is another column (DatedConversionRate: currency and start date;
            # CurrencyType: the ISO code): the Id may be absent or blank, but is never shared
            plan.append(
                (
                    E.ExpectColumnValuesToBeUnique(column=api, mostly=share(api)),
                    "id unique where present",
                    api,
                )
            )
        elif spec.key_columns == (col.name,) and col.name != "id":
            plan.append(
                (E.ExpectColumnValuesToNotBeNull(column=api, mostly=share(None)), "key not null", api)
            )
            plan.append(
                (E.ExpectColumnValuesToBeUnique(column=api, mostly=share(api)), "key unique", api)
            )
        if col.name == "id" and keyed_by_id:
            plan.append(
                (
                    E.ExpectColumnValuesToNotBeNull(column=api, mostly=share(None)),
                    "primary key not null",
                    api,
                )
            )
            plan.append(
                (
                    E.ExpectColumnValuesToBeUnique(column=api, mostly=share(api)),
                    "primary key unique",
                    api,
                )
            )
        if spec.object_name == "Opportunity" and col.name == "stage_name":
            plan.append(
                (E.ExpectColumnValuesToNotBeNull(column=api, mostly=share(None)), "stage not null", api)
            )
        regex = TYPE_REGEXES.get(col.type)
        if regex:
            plan.append(
                (
                    E.ExpectColumnValuesToMatchRegex(column=api, regex=regex, mostly=share(api)),
                    f"format: {TYPE_LABELS[col.type]}",
                    api,
                )
            )
    key_apis = [spec.column(name).api_name_for(dbt_vars) for name in spec.key_columns
                if any(c.name == name for c in spec.columns)]
    has_id = any(c.name == "id" for c in spec.columns)
    if len(spec.key_columns) > 1 and not has_id and len(key_apis) == len(spec.key_columns) \
            and all(api in ef.columns for api in key_apis):
        # a record without an id column whose key is several columns (a HubSpot stage entry:
        # deal and time entered): two rows with one key are a duplicate (exact) or a conflict
        # (staging keeps one or quarantines). A Salesforce record has its Id (checked above).
        plan.append(
            (
                E.ExpectCompoundColumnsToBeUnique(column_list=key_apis, mostly=share(None)),
                f"key unique ({', '.join(key_apis)})",
                None,
            )
        )
    for reference in spec.references:
        api = spec.column(reference.column).api_name_for(dbt_vars)
        values = (parent_values or {}).get((reference.parent_object, reference.parent_column))
        if api not in ef.columns or values is None:
            continue
        plan.append(
            (
                E.ExpectColumnValuesToBeInSet(column=api, value_set=sorted(values), mostly=share(api)),
                f"references {reference.parent_object}.{reference.parent_column} (a value it does not hold "
                f"is dangling: staging quarantines the row)",
                api,
            )
        )
    return plan


def _parent_values(
    spec: dict[str, ObjectSpec], frames: dict[str, Any], sampled: set[str], dbt_vars: dict[str, str]
) -> dict[tuple[str, str], set[str]]:
    """The values of every (object, column) a reference names, from the frames read: only
    for parents read in full (a sampled parent would make rows past the sample look dangling)."""
    wanted = {(r.parent_object, r.parent_column) for object_spec in spec.values() for r in object_spec.references}
    values: dict[tuple[str, str], set[str]] = {}
    for parent, column in wanted:
        frame = frames.get(parent)
        if frame is None or parent in sampled or parent not in spec:
            continue
        api = spec[parent].column(column).api_name_for(dbt_vars)
        if api in frame.columns:
            values[(parent, column)] = set(frame[api].dropna())
    return values


def _result_format(personal: bool) -> dict[str, Any]:
    # SUMMARY gives counts plus partial_unexpected_index_list (row numbers, from the frame's
    # index). exclude_unexpected_values drops partial_unexpected_list / _counts, which by default
    # echo up to 20 raw failing values.
    return {
        "result_format": "SUMMARY",
        "partial_unexpected_count": SAMPLE_ROWS_SHOWN,
        "exclude_unexpected_values": personal,
        "return_unexpected_index_query": False,
    }


def _to_outcome(res: Any, label: str, personal: bool) -> ExpectationOutcome:
    cfg = res.expectation_config
    result = dict(res.result or {})

    def num(key: str) -> Any:
        v = result.get(key)
        return None if v is None else (int(v) if key.endswith("count") else round(float(v), 4))

    samples: list[str] = []
    if not personal and cfg.type != "expect_column_values_to_not_be_null":  # nulls say nothing
        samples = distinct_samples(result.get("partial_unexpected_list"), 60)[:SAMPLE_VALUES]
    rows = [int(i) for i in (result.get("partial_unexpected_index_list") or []) if isinstance(i, (int,)) or str(i).isdigit()]
    return ExpectationOutcome(
        expectation_type=cfg.type,
        column=cfg.kwargs.get("column"),
        check=label,
        success=bool(res.success),
        mostly=cfg.kwargs.get("mostly"),
        element_count=num("element_count"),
        unexpected_count=num("unexpected_count"),
        unexpected_percent=num("unexpected_percent"),
        observed_value=observed_int(result),
        sample_values=samples,
        sample_rows=rows[:SAMPLE_ROWS_SHOWN],
        exception=exception_message(res),
    )


def validate_export(
    export_path: str | Path,
    report_dir: str | Path,
    encoding: str = "auto",
    mostly: float = 0.95,
    sample_rows: int = 200_000,
    loss_reason_field: str = DEFAULT_LOSS_REASON_FIELD,
    allow_bad_rows: int = 2,
    progress: Callable[[str], None] | None = None,
    date_order: str = "auto",
    prepared_dir: str | Path | None = None,
    corporate_currency: str = DEFAULT_CORPORATE_CURRENCY,
    number_format: str = "auto",
    crm: str | None = None,
) -> ExportValidation:
    """Preflight, the prepared copies (revops_kpis.export_prepare, into `prepared_dir`, default
    `report_dir`/prepared), then the GX suite per present object on what dbt will read; writes
    the Markdown and JSON reports. `validation.export_files` is the dbt var crm_export_files.

    When the preflight finds problems, the GX suite still runs on the files without one, and
    ExportError names every problem found: the preflight's and the failed expectations.

    Value checks pass when a share `mostly` of the (non-null) values is valid; on small
    objects they also tolerate `allow_bad_rows` bad values (see `effective_mostly`; 0 turns
    that off). Raises ExportError when the preflight fails. `progress` receives one line per
    step. `corporate_currency` is the dbt var of the same name: the currency amounts are
    reported in, taken as the org's corporate currency when the export has no CurrencyType.
    Deals and quotas in currencies that no rate covers give a warning, never a failure.
    `crm` (default Salesforce) names the contract: the objects, columns, keys and references
    of its sources file (export_spec.load_spec); the checks are the same for every CRM.
    """
    if not 0.0 <= mostly <= 1.0:
        raise ValueError(f"mostly must be between 0 and 1, not {mostly}")
    if allow_bad_rows < 0:
        raise ValueError(f"allow_bad_rows must be 0 or more, not {allow_bad_rows}")
    if sample_rows < 1:
        raise ValueError(f"sample_rows must be positive, not {sample_rows}")
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    from revops_kpis.export_prepare import prepare_export

    pf = inspect_export(
        export_path,
        encoding=encoding,
        loss_reason_field=loss_reason_field,
        date_order=date_order,
        number_format=number_format,
        crm=crm,
    )
    record = crm_contract(pf.crm).record_word
    if not pf.problems:
        say(
            f"preflight ok: {len(pf.files)} {record}s ({', '.join(f.name for f in pf.files.values())})"
            + (f"; optional {record}s absent: {', '.join(pf.missing_optional_objects)}" if pf.missing_optional_objects else "")
        )
    for w in pf.warnings:
        say(f"warning: {w}")
    for note in pf.notes:
        say(note)
    bad = {Path(p) for p in pf.problem_files}
    clean = PreflightResult(**{**pf.__dict__, "files": {o: f for o, f in pf.files.items() if f.path not in bad}})
    export_files = prepare_export(clean, Path(prepared_dir or Path(report_dir) / "prepared"), say)

    spec = load_spec(crm=pf.crm)
    dbt_vars = _dbt_vars(loss_reason_field)
    context = gx_context()
    datasource = context.data_sources.add_pandas("crm_export")
    objects: list[ObjectValidation] = []
    currency_frames: dict[str, pd.DataFrame] = {}
    # every frame first: a reference is checked against its parent's values
    read: dict[str, tuple[pd.DataFrame, list[int], bool, float]] = {}
    for obj, ef in clean.files.items():
        t0 = time.perf_counter()
        if (ef.empty or ef.header_only) and not spec[obj].required:
            say(f"{obj}: {ef.name} holds no rows, read as an absent {record}; skipped")
            continue
        frame, bad_lines, sampled = _read_frame(ef, pf.encoding, sample_rows)
        read[obj] = (frame, bad_lines, sampled, time.perf_counter() - t0)
    parent_values = _parent_values(
        spec, {obj: frame for obj, (frame, *_rest) in read.items()},
        {obj for obj, (_frame, _bad, sampled, _s) in read.items() if sampled}, dbt_vars,
    )
    for obj, (frame, bad_lines, sampled, read_seconds) in read.items():
        t0 = time.perf_counter() - read_seconds
        ef = clean.files[obj]
        obj_spec = spec[obj]
        if obj in CURRENCY_OBJECTS:
            currency_frames[obj] = frame
        personal = any(c.personal for c in obj_spec.columns)
        plan = _expectation_plan(obj_spec, ef, frame, mostly, allow_bad_rows, dbt_vars, parent_values)
        labels = {i: label for i, (_expectation, label, _col) in enumerate(plan)}
        results = run_suite(
            context, datasource, obj, f"{obj}_sample", f"export_{obj}", frame,
            [expectation for expectation, _label, _col in plan], _result_format(personal),
        )
        outcomes = [_to_outcome(r, labels.get(plan_index(r), ""), personal) for r in results]
        if ef.format == "csv" and not ef.empty:
            total = len(frame) + len(bad_lines)
            outcomes.append(
                _malformed_outcome(bad_lines, len(frame), effective_mostly(mostly, allow_bad_rows, total))
            )
        ov = ObjectValidation(
            object_name=obj,
            file=ef.name,
            format=ef.format,
            required=ef.required,
            personal=personal,
            rows_validated=len(frame),
            rows_in_file=ef.rows,
            rows_in_file_exact=ef.rows_exact,
            sampled=sampled,
            malformed_lines=bad_lines,
            outcomes=outcomes,
            seconds=time.perf_counter() - t0,
        )
        objects.append(ov)
        say(
            f"{obj}: {ov.rows_validated:,} rows{' (sampled)' if sampled else ''}, "
            f"{ov.passed}/{len(outcomes)} expectations passed"
            + ("" if ov.success else f" - FAILED: {', '.join(_outcome_name(o) for o in ov.failed)}")
        )

    currency_warnings = currency_coverage_warnings(currency_frames, corporate_currency)

    validation = ExportValidation(
        export_path=pf.export_path,
        report_dir=Path(report_dir),
        encoding=pf.encoding,
        mostly=mostly,
        allow_bad_rows=allow_bad_rows,
        sample_rows=sample_rows,
        preflight=pf,
        objects=objects,
        seconds=time.perf_counter() - started,
        generated_at=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        export_files=export_files,
        warnings=currency_warnings,
    )
    write_reports(validation)
    if pf.problems:
        failed = [
            f"{o.file}: {_outcome_name(e)} failed ({e.check}"
            + (f", {e.unexpected_count:,} bad value(s)" if e.unexpected_count else "")
            + (f", rows {', '.join(map(str, e.sample_rows))}" if e.sample_rows else "")
            + "); see the report for the values."
            for o in objects
            for e in o.failed
        ]
        raise ExportError(_by_file(pf.problems + failed), pf.problem_files)
    return validation


def _malformed_outcome(bad_lines: list[int], parsed_rows: int, mostly: float) -> ExpectationOutcome:
    """Rows pandas skipped because they have more fields than the header (not a GX check)."""
    total = parsed_rows + len(bad_lines)
    pct = 100.0 * len(bad_lines) / total if total else 0.0
    return ExpectationOutcome(
        expectation_type="rows_match_header_field_count",
        column=None,
        check="rows have no more fields than the header (pandas parse, not GX)",
        success=(total == 0) or (1 - len(bad_lines) / total) >= mostly,
        mostly=mostly,
        element_count=total,
        unexpected_count=len(bad_lines),
        unexpected_percent=round(pct, 4),
        sample_rows=[],
        exception=(
            f"skipped file lines: {', '.join(map(str, bad_lines[:SAMPLE_ROWS_SHOWN]))}"
            + (" ..." if len(bad_lines) > SAMPLE_ROWS_SHOWN else "")
        )
        if bad_lines
        else None,
    )


def _outcome_name(o: ExpectationOutcome) -> str:
    return f"{o.expectation_type}({o.column})" if o.column else o.expectation_type
