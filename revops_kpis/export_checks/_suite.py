"""The Great Expectations suite: all-string frames per object, one suite per object.

GX 1.x, ephemeral context, pandas datasource. Imported lazily (GX takes seconds to import).
"""

from __future__ import annotations

import csv
import datetime as _dt
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from revops_kpis.export_checks._preflight import (
    DEFAULT_CORPORATE_CURRENCY,
    DEFAULT_LOSS_REASON_FIELD,
    ExportError,
    ExportFile,
    PreflightResult,
    _by_file,
    _dbt_vars,
    first_positions,
    inspect_export,
)
from revops_kpis.export_checks._report import _write_reports
from revops_kpis.export_spec import ObjectSpec, load_spec

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

SAMPLE_VALUES = 5  # failing values shown per expectation (objects without personal data only)
SAMPLE_ROWS_SHOWN = 10  # row numbers shown per failing expectation

# --------------------------------------------------------------------------------------------
# Value formats. Only [0-9], not \d (which matches any Unicode digit). Written without inline
# flags so that the same patterns would work on a SQL engine's regex dialect.
# --------------------------------------------------------------------------------------------
_DATE = r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
_TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]*)?)?"
_ZONE = r" ?(?:[Zz]|[+-](?:[01][0-9]|2[0-3])(?::?[0-5][0-9])?)"
_DECIMAL = r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"


def _ci(word: str) -> str:
    """Case-insensitive regex for a word without inline flags: 'no' -> '[Nn][Oo]'."""
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else c for c in word)


# What the staging macros (macros/cleaning/parse_*.sql) can parse, checked on trimmed text;
# a little stricter on dates (month 01-12, day 01-31), which the macros null out anyway.
TYPE_REGEXES: dict[str, str] = {
    "id": r"^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$",
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
    "timestamp": "ISO 8601 timestamp",
    "date": "ISO date YYYY-MM-DD",
    "amount": "decimal amount",
    "number": "decimal number",
    "integer": "integer",
    "boolean": "boolean (true/false/t/f/yes/no/y/n/1/0)",
}
NULL_TOKENS = frozenset({"", "null"})  # compared after strip().lower()
TRUE_TOKENS = frozenset({"true", "yes", "t", "y", "1"})  # as macros/cleaning/parse_boolean.sql



# --------------------------------------------------------------------------------------------
# Reading frames for GX
# --------------------------------------------------------------------------------------------
def _normalise_nulls(frame: pd.DataFrame) -> pd.DataFrame:
    """Trim values; blanks and the literal 'null' (any case) become null (as clean_string)."""
    for col in frame.columns:
        s = frame[col].str.strip()
        frame[col] = s.mask(s.isna() | s.str.lower().isin(NULL_TOKENS))
    return frame


def _read_csv_frame(
    ef: ExportFile, encoding: str, nrows: int
) -> tuple[pd.DataFrame, list[int]]:
    """All-string frame of the contract columns (API names); file lines of malformed rows.

    All columns are parsed (pandas only detects rows with too many fields when it parses every
    column), then the columns outside the contract are dropped at once.
    """
    import pandas as pd

    path = ef.read_path or ef.path
    header = ef.header
    if path != ef.path:  # a prepared copy (UTF-8, the contract's columns only)
        with path.open(newline="", encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        encoding = "utf-8"
    elif not encoding.startswith(("utf-16", "utf-32")):
        encoding = "utf-8-sig"  # a file read where it is is UTF-8 (else it gets a copy)
    names = [f"c{i}" for i in range(len(header))]
    first = first_positions(header)  # a repeated header: the first one is read
    keep = {f"c{first[h]}": api for api, h in ef.columns.items()}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = pd.read_csv(
            path,
            sep=",",
            quotechar='"',
            doublequote=True,
            header=0,
            names=names,
            index_col=False,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            encoding=encoding,
            compression=ef.compression if path == ef.path else None,
            on_bad_lines="warn",
            nrows=nrows,
            engine="c",
        )
    bad_lines: list[int] = []
    for w in caught:
        if issubclass(w.category, pd.errors.ParserWarning):
            for part in str(w.message).splitlines():
                if part.startswith("Skipping line "):
                    try:
                        bad_lines.append(int(part.split()[2].rstrip(":")))
                    except ValueError:
                        pass
    frame = frame[list(keep)].rename(columns=keep)
    return frame, bad_lines


def _read_parquet_frame(ef: ExportFile, nrows: int) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    wanted = list(ef.columns.values())
    pf = pq.ParquetFile(ef.path)
    batches, got = [], 0
    for batch in pf.iter_batches(batch_size=65_536, columns=wanted):
        batches.append(batch)
        got += batch.num_rows
        if got >= nrows:
            break
    schema = pf.schema_arrow
    table = (
        pa.Table.from_batches(batches)
        if batches
        else pa.table({n: pa.array([], schema.field(n).type) for n in wanted})
    ).slice(0, nrows)
    cols = {}
    for api, header in ef.columns.items():
        arr = table.column(header)
        if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
            try:
                arr = pc.cast(arr, pa.string())
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                arr = pa.chunked_array(
                    [pa.array([None if v is None else str(v) for v in arr.to_pylist()], pa.string())]
                )
        cols[api] = arr
    import pandas as pd

    frame = pa.table(cols).to_pandas() if cols else pd.DataFrame(index=range(table.num_rows))
    return frame.astype({c: str for c in frame.columns}) if len(frame.columns) else frame


def _read_frame(
    ef: ExportFile, encoding: str, sample_rows: int
) -> tuple[pd.DataFrame, list[int], bool]:
    """(frame, malformed CSV lines, sampled) for the first sample_rows rows."""
    import pandas as pd

    if ef.empty:
        return pd.DataFrame(), [], False
    try:
        if ef.format == "parquet":
            frame, bad = _read_parquet_frame(ef, sample_rows + 1), []
        else:
            frame, bad = _read_csv_frame(ef, encoding, sample_rows + 1)
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError, OSError) as exc:
        detail = str(exc).strip().replace("\n", " ")[:300]
        raise ExportError(
            f"{ef.name}: the {ef.object_name} file cannot be parsed past its header "
            f"({type(exc).__name__}: {detail}). This usually means an unclosed double quote "
            f"or a damaged file; fix or re-export the file (comma-separated, fields with commas, "
            f"quotes or line breaks enclosed in double quotes, quotes doubled inside them).",
            [ef.path],
        ) from None
    sampled = len(frame) > sample_rows
    frame = frame.iloc[:sample_rows].copy()
    frame = _normalise_nulls(frame)
    frame.index = pd.RangeIndex(1, len(frame) + 1)  # row numbers: 1 = first data row
    return frame, bad, sampled


# --------------------------------------------------------------------------------------------
# Great Expectations
# --------------------------------------------------------------------------------------------
@dataclass
class ExpectationOutcome:
    expectation_type: str
    column: str | None
    check: str  # human label
    success: bool
    mostly: float | None = None
    element_count: int | None = None
    unexpected_count: int | None = None
    unexpected_percent: float | None = None  # of non-null values (what `mostly` applies to)
    observed_value: Any = None
    sample_values: list[str] = field(default_factory=list)  # never for personal objects
    sample_rows: list[int] = field(default_factory=list)  # data row numbers, 1-based
    exception: str | None = None

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
class ObjectValidation:
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

    @property
    def success(self) -> bool:
        return all(o.success for o in self.outcomes)

    @property
    def passed(self) -> int:
        return sum(o.success for o in self.outcomes)

    @property
    def failed(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success]

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
class ExportValidation:
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
    def success(self) -> bool:
        return all(o.success for o in self.objects)

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
) -> list[tuple[Any, str, str | None]]:
    """(GX expectation, label, column) for one object."""
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
    return plan


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


def _clip(value: Any, width: int = 60) -> str:
    text = "null" if value is None or value != value else str(value)  # NaN != NaN
    return text if len(text) <= width else text[: width - 1] + "…"


def _to_outcome(res: Any, label: str, personal: bool) -> ExpectationOutcome:
    cfg = res.expectation_config
    result = dict(res.result or {})
    exc = res.exception_info or {}
    exc_msg = None
    if isinstance(exc, dict) and exc.get("raised_exception"):
        exc_msg = str(exc.get("exception_message") or "error")[:300]

    def num(key: str) -> Any:
        v = result.get(key)
        return None if v is None else (int(v) if key.endswith("count") else round(float(v), 4))

    samples: list[str] = []
    if not personal and cfg.type != "expect_column_values_to_not_be_null":  # nulls say nothing
        for value in result.get("partial_unexpected_list") or []:
            text = _clip(value)
            if text not in samples:  # duplicates repeat a value
                samples.append(text)
        samples = samples[:SAMPLE_VALUES]
    rows = [int(i) for i in (result.get("partial_unexpected_index_list") or []) if isinstance(i, (int,)) or str(i).isdigit()]
    observed = result.get("observed_value")
    return ExpectationOutcome(
        expectation_type=cfg.type,
        column=cfg.kwargs.get("column"),
        check=label,
        success=bool(res.success),
        mostly=cfg.kwargs.get("mostly"),
        element_count=num("element_count"),
        unexpected_count=num("unexpected_count"),
        unexpected_percent=num("unexpected_percent"),
        observed_value=int(observed) if isinstance(observed, (int, float)) and not isinstance(observed, bool) else None,
        sample_values=samples,
        sample_rows=rows[:SAMPLE_ROWS_SHOWN],
        exception=exc_msg,
    )


def _gx_context():
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context


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
    )
    if not pf.problems:
        say(
            f"preflight ok: {len(pf.files)} objects ({', '.join(f.name for f in pf.files.values())})"
            + (f"; optional objects absent: {', '.join(pf.missing_optional_objects)}" if pf.missing_optional_objects else "")
        )
    for w in pf.warnings:
        say(f"warning: {w}")
    for note in pf.notes:
        say(note)
    bad = {Path(p) for p in pf.problem_files}
    clean = PreflightResult(**{**pf.__dict__, "files": {o: f for o, f in pf.files.items() if f.path not in bad}})
    export_files = prepare_export(clean, Path(prepared_dir or Path(report_dir) / "prepared"), say)

    import great_expectations as gx

    spec = load_spec()
    dbt_vars = _dbt_vars(loss_reason_field)
    context = _gx_context()
    datasource = context.data_sources.add_pandas("crm_export")
    objects: list[ObjectValidation] = []
    currency_frames: dict[str, pd.DataFrame] = {}
    for obj, ef in clean.files.items():
        t0 = time.perf_counter()
        obj_spec = spec[obj]
        if (ef.empty or ef.header_only) and not obj_spec.required:
            say(f"{obj}: {ef.name} holds no rows, read as an absent object; skipped")
            continue
        frame, bad_lines, sampled = _read_frame(ef, pf.encoding, sample_rows)
        if obj in CURRENCY_OBJECTS:
            currency_frames[obj] = frame
        personal = any(c.personal for c in obj_spec.columns)
        asset = datasource.add_dataframe_asset(name=obj)
        batch_definition = asset.add_batch_definition_whole_dataframe(f"{obj}_sample")
        suite = context.suites.add(gx.ExpectationSuite(name=f"export_{obj}"))
        labels: dict[int, str] = {}
        for i, (expectation, label, _col) in enumerate(_expectation_plan(
            obj_spec, ef, frame, mostly, allow_bad_rows, dbt_vars
        )):
            expectation.meta = {"plan_index": i}
            labels[i] = label
            suite.add_expectation(expectation)
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=f"export_{obj}", data=batch_definition, suite=suite)
        )
        run = definition.run(
            batch_parameters={"dataframe": frame}, result_format=_result_format(personal)
        )
        ordered = sorted(run.results, key=lambda r: (r.expectation_config.meta or {}).get("plan_index", 0))
        outcomes = [
            _to_outcome(r, labels.get((r.expectation_config.meta or {}).get("plan_index"), ""), personal)
            for r in ordered
        ]
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
    _write_reports(validation)
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


# --------------------------------------------------------------------------------------------
# Currencies: does every currency of the deals and quotas have a rate?
# --------------------------------------------------------------------------------------------
# (object, API name of its currency column, what its rows are) read for the coverage check
CURRENCY_COLUMNS = (("Opportunity", "CurrencyIsoCode", "deals"), ("ForecastingQuota", "CurrencyIsoCode", "quota rows"))
CURRENCY_OBJECTS = frozenset({"Opportunity", "ForecastingQuota", "DatedConversionRate", "CurrencyType"})


def _codes(frames: dict[str, pd.DataFrame], obj: str, column: str) -> dict[str, int]:
    """Upper-case currency code -> rows, for the non-null values of one column."""
    frame = frames.get(obj)
    if frame is None or column not in frame.columns:
        return {}
    counts = frame[column].dropna().str.upper().value_counts()
    return {str(code): int(n) for code, n in counts.items()}


def currency_coverage_warnings(
    frames: dict[str, pd.DataFrame], corporate_currency: str = DEFAULT_CORPORATE_CURRENCY
) -> list[str]:
    """Warnings for the currencies of deals and quotas that no conversion rate covers.

    A currency is covered by DatedConversionRate or CurrencyType rows, or by being the
    currency Salesforce's rates are quoted in (CurrencyType.IsCorporate; without
    CurrencyType, the var corporate_currency). Amounts in other currencies cannot be
    converted: dbt counts them and leaves them out of the money KPIs (int_currency_rates_dated).
    `frames` holds the all-string frames (API-name columns, nulls normalised) by object.
    """
    corporate_currency = corporate_currency.strip().upper()
    dated = set(_codes(frames, "DatedConversionRate", "IsoCode"))
    static = set(_codes(frames, "CurrencyType", "IsoCode"))
    org_corporate = corporate_currency
    types = frames.get("CurrencyType")
    if types is not None and {"IsoCode", "IsCorporate"} <= set(types.columns):
        flagged = types[types["IsCorporate"].fillna("").str.strip().str.lower().isin(TRUE_TOKENS)]
        corporate_codes = sorted(set(flagged["IsoCode"].dropna().str.upper()))
        if corporate_codes:
            org_corporate = corporate_codes[0]
    covered = dated | static | {org_corporate}
    warnings: list[str] = []
    if corporate_currency != org_corporate and corporate_currency not in covered:
        warnings.append(
            f"The var corporate_currency is {corporate_currency}, but the org's corporate currency "
            f"is {org_corporate} (CurrencyType.IsCorporate) and no rate in the export covers "
            f"{corporate_currency}: no amount in another currency can be converted into it. Set "
            f"corporate_currency to {org_corporate} or to another currency of the org."
        )
    sources = [name for name, codes in (("DatedConversionRate", dated), ("CurrencyType", static)) if codes]
    for obj, column, things in CURRENCY_COLUMNS:
        uncovered = {c: n for c, n in _codes(frames, obj, column).items() if c not in covered}
        if not uncovered:
            continue
        listed = ", ".join(f"{c} ({n:,})" for c, n in sorted(uncovered.items(), key=lambda kv: (-kv[1], kv[0])))
        if sources:
            have = f"the export's {' and '.join(sources)} rows do not cover them"
            fix = (
                "Check these records' CurrencyIsoCode; if the org has the currency, export "
                "CurrencyType again with it."
            )
        else:
            have = "the export has neither DatedConversionRate nor CurrencyType"
            fix = (
                "Add CurrencyType.csv to the export (every multi-currency org has it; the Data "
                "Export Service and Data Loader export it), and DatedConversionRate.csv if advanced "
                "currency management is on."
            )
        warnings.append(
            f"{obj}: {sum(uncovered.values()):,} {things} use currencies without a conversion rate: "
            f"{listed}; {have}. Their amounts cannot be converted to {corporate_currency}: they are "
            f"counted (the *_unknown_amount_count columns, rpt_data_quality) but left out of "
            f"bookings, pipeline, quota and every average over amounts. {fix}"
        )
    return warnings


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
