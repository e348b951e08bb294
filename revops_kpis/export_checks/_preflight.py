"""Preflight: find the object files, read headers / Parquet schemas, one decode pass per CSV.

Plain Python and pyarrow, no pandas: a multi-GB export is streamed in chunks.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from revops_kpis.export_spec import ObjectSpec, load_spec, match_key

DEFAULT_LOSS_REASON_FIELD = "Loss_Reason__c"
# file-name endings the dbt landing macro reads (salesforce_locate_export_file), lower case:
# ending -> (format, compression)
FILE_ENDINGS = {".csv": ("csv", None), ".csv.gz": ("csv", "gzip"), ".parquet": ("parquet", None)}
ENCODING_VAR = "crm_export_encoding"
CHUNK_BYTES = 1 << 20  # decode pass: 1 MiB at a time


# --------------------------------------------------------------------------------------------
# Errors and preflight results
# --------------------------------------------------------------------------------------------
class ExportError(Exception):
    """The export cannot be read as it is. The message names the file and what to do.

    `problems` holds one paragraph per problem (the message joins them); `files` the files
    concerned.
    """

    def __init__(self, problems: str | list[str], files: Iterable[str | Path] = ()):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.files = [str(f) for f in files]
        super().__init__("\n\n".join(self.problems))


@dataclass
class ExportFile:
    """One object file found in the export folder."""

    object_name: str
    path: Path
    format: str  # csv or parquet
    required: bool  # is the object required by the contract
    compression: str | None = None  # gzip for .csv.gz
    header: list[str] = field(default_factory=list)  # as found (BOM stripped)
    columns: dict[str, str] = field(default_factory=dict)  # contract API name -> header found
    missing_optional_columns: list[str] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)  # headers outside the contract
    collisions: list[str] = field(default_factory=list)  # several headers for one column
    size_bytes: int = 0
    empty: bool = False  # no header at all (0-byte or blank file)
    header_only: bool = False  # header, no data rows
    rows: int | None = None  # parquet: exact; csv: estimate from the line count
    rows_exact: bool = False

    @property
    def name(self) -> str:
        return self.path.name


@dataclass
class PreflightResult:
    export_path: Path
    encoding: str
    loss_reason_field: str
    files: dict[str, ExportFile]  # by object name, contract order
    missing_optional_objects: list[str]
    ignored_files: list[str]
    warnings: list[str]
    seconds: float = 0.0

    @property
    def objects(self) -> list[str]:
        return list(self.files)


# --------------------------------------------------------------------------------------------
# Preflight
# --------------------------------------------------------------------------------------------
def _classify(name: str) -> tuple[str, str, str | None] | None:
    """(stem, format, compression) for an export file name, None for other files."""
    lowered = name.lower()
    for ending in sorted(FILE_ENDINGS, key=len, reverse=True):
        if lowered.endswith(ending) and len(name) > len(ending):
            return (name[: -len(ending)], *FILE_ENDINGS[ending])
    return None


def _open_binary(path: Path, compression: str | None):
    return gzip.open(path, "rb") if compression == "gzip" else path.open("rb")


def _dbt_vars(loss_reason_field: str) -> dict[str, str]:
    return {"loss_reason_field": loss_reason_field}


def _encoding_hint(encoding: str) -> str:
    return (
        f"If the export is latin-1 (ISO-8859-1) or Windows-1252, say so: run dbt with "
        f"`--vars '{{{ENCODING_VAR}: latin-1}}'` and this check with `--encoding latin-1` "
        f"(Python: `encoding=\"latin-1\"`); otherwise re-export the file as UTF-8 CSV."
    )


def _magic_hint(head: bytes) -> str:
    if head.startswith(b"PK\x03\x04"):
        return " It starts like a ZIP archive (an .xlsx workbook?): save it as CSV instead."
    if head.startswith(b"\x1f\x8b"):
        return " It is gzip-compressed: decompress it first."
    if head.startswith(b"PAR1"):
        return " It is a Parquet file: rename it to .parquet."
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return " It is UTF-16 encoded (Excel's 'Unicode text'): re-export it as UTF-8 CSV."
    return ""


def _delimiter_name(header_cell: str) -> str | None:
    counts = {name: header_cell.count(ch) for ch, name in ((";", "semicolon"), ("\t", "tab"), ("|", "pipe"))}
    best = max(counts, key=counts.get)
    return best if counts[best] else None


def _scan_bytes(
    path: Path, encoding: str, limit: int | None = None, compression: str | None = None
) -> tuple[int, str | None]:
    """Decode `path` in chunks; return (line count, problem or None).

    Reads at most `limit` bytes if given (a character cut by the limit is not an error). A
    problem is a sentence naming the byte offset (in the uncompressed data) and the line.
    """
    wide = encoding.startswith(("utf-16", "utf-32"))
    lines = 0
    offset = 0  # absolute offset of data[0]
    read_total = 0
    carry = b""
    last = b""
    with _open_binary(path, compression) as fh:
        head = fh.read(4)
        magic = _magic_hint(head)
        if magic and not wide:
            return 0, f"it is not a plain text CSV.{magic}"
        carry = head  # the first bytes go through the same checks
        read_total = len(head)
        while True:
            size = CHUNK_BYTES if limit is None else min(CHUNK_BYTES, limit - read_total)
            chunk = fh.read(size) if size > 0 else b""
            read_total += len(chunk)
            at_limit = limit is not None and read_total >= limit
            if not chunk and (at_limit or not carry):
                break
            data = carry + chunk
            nul = -1 if wide else data.find(b"\x00")
            if nul >= 0:
                line = lines + data.count(b"\n", 0, nul) + 1
                return lines, (
                    f"it contains binary data (a NUL byte at byte offset {offset + nul}, line "
                    f"{line}); it is not a text CSV or it is damaged"
                )
            try:
                data.decode(encoding)
                good, carry = len(data), b""
            except UnicodeDecodeError as exc:
                cut = "end of data" in exc.reason and exc.end >= len(data)
                if cut and chunk:  # a multi-byte character split over two chunks
                    good, carry = exc.start, data[exc.start :]
                else:
                    line = lines + data.count(b"\n", 0, exc.start) + 1
                    bad = data[exc.start : exc.start + 1]
                    return lines, (
                        f"byte 0x{bad.hex()} at byte offset {offset + exc.start} (line {line}) is "
                        f"not valid {encoding} ({exc.reason})"
                    )
            lines += data.count(b"\n", 0, good)
            offset += good
            last = data[good - 1 : good] or last
            if not chunk:
                break
    if limit is None and last not in (b"", b"\n"):
        lines += 1  # a last line without a newline
    return lines, None


def _read_csv_header(
    path: Path, encoding: str, compression: str | None = None
) -> tuple[list[str] | None, bool]:
    """(header or None for an empty file, has_data_rows)."""
    with io.TextIOWrapper(_open_binary(path, compression), encoding=encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=",", quotechar='"', doublequote=True)
        header: list[str] | None = None
        for row in reader:
            if any(cell.strip() for cell in row):
                header = row
                break
        if header is None:
            return None, False
        header[0] = header[0].lstrip("\ufeff")
        header = [h.strip() for h in header]
        for row in reader:
            if any(cell.strip() for cell in row):
                return header, True
        return header, False


def _show_header(header: list[str], limit: int = 600) -> str:
    """The header for a message: names clipped to 40 characters, the whole to `limit`."""
    names = [h if len(h) <= 40 else h[:39] + "…" for h in header]
    text = ", ".join(names) if names else "(nothing)"
    return text if len(text) <= limit else text[: limit - 4].rsplit(", ", 1)[0] + ", ..."


def _match_columns(
    export_file: ExportFile, spec: ObjectSpec, dbt_vars: dict[str, str]
) -> list[str]:
    """Fill columns / missing / extra on export_file from its header; return problems."""
    problems: list[str] = []
    by_key: dict[str, list[str]] = {}
    for header in export_file.header:
        by_key.setdefault(match_key(header), []).append(header)
    contract_keys = set()
    missing_required: list[str] = []
    needed_for: dict[str, str | None] = {}
    for col in spec.columns:
        api = col.api_name_for(dbt_vars)
        keys = (match_key(api), match_key(col.name))  # as the dbt landing macro matches
        contract_keys.update(keys)
        found = by_key.get(keys[0]) or by_key.get(keys[1]) or []
        if len(found) > 1:
            # the dbt landing macro reads the last of them; say so rather than guess silently
            export_file.collisions.append(
                f"{export_file.name}: {len(found)} columns all mean `{api}` "
                f"({', '.join(repr(h) for h in found)}); headers are matched case-insensitively "
                f"and ignoring underscores, so the last one, {found[-1]!r}, is read. Drop the others."
            )
        if found:
            export_file.columns[api] = found[-1]
        elif col.required:
            missing_required.append(api)
            needed_for[api] = col.needed_for
        else:
            export_file.missing_optional_columns.append(api)
    export_file.extra_columns = [h for h in export_file.header if match_key(h) not in contract_keys]
    if missing_required:
        cols = ", ".join(f"`{c}`" for c in missing_required)
        plural = "columns" if len(missing_required) > 1 else "column"
        shown = _show_header(export_file.header)
        hint = ""
        for col in spec.columns:
            if col.api_name_var and col.api_name_for(dbt_vars) in missing_required:
                hint = f" (set the var `{col.api_name_var}` if your org uses another API name)"
        # which KPIs need each missing column (meta.needed_for in the sources file)
        needs = "; ".join(f"`{c}` is needed for {needed_for[c]}" for c in missing_required if needed_for[c])
        problems.append(
            f"{export_file.name}: required {plural} {cols} of {spec.object_name} "
            f"{'are' if len(missing_required) > 1 else 'is'} missing{hint}."
            f"{' ' + needs + '.' if needs else ''} The header found is: "
            f"{shown}. Add the {plural} to the export (Data Loader: select the field; headers "
            f"may be API names like `StageName` or snake_case like `stage_name`) and export again."
        )
    return problems


def preflight(
    export_path: str | Path,
    encoding: str = "utf-8",
    loss_reason_field: str = DEFAULT_LOSS_REASON_FIELD,
) -> PreflightResult:
    """Fast structural checks on an export folder; raises ExportError when it cannot be read.

    Reads only CSV headers (plus one streamed decode pass per CSV) and Parquet schemas.
    """
    started = time.perf_counter()
    export_path = Path(export_path)
    try:
        encoding = codecs.lookup(encoding).name
    except LookupError:
        raise ExportError(
            f"Unknown encoding {encoding!r}: use an encoding Python knows, such as utf-8 or "
            f"latin-1 (the dbt var `{ENCODING_VAR}`)."
        ) from None
    if not export_path.exists():
        raise ExportError(
            f"The export folder {export_path} does not exist. Put the CRM export there (one file "
            f"per Salesforce object, such as Opportunity.csv) or point to it with the var "
            f"`crm_export_path`, the env var CRM_EXPORT_PATH or `--export PATH`.",
            [export_path],
        )
    if not export_path.is_dir():
        raise ExportError(
            f"The export path {export_path} is a file, not a folder. Point it at the folder that "
            f"holds one file per Salesforce object (Opportunity.csv, User.csv, ...).",
            [export_path],
        )
    entries = sorted(p for p in export_path.iterdir() if not p.name.startswith("."))
    if not entries:
        raise ExportError(
            f"The export folder {export_path} is empty. Copy the CRM export into it: one CSV or "
            f"Parquet file per Salesforce object, named after the object (Opportunity.csv, "
            f"OpportunityHistory.csv, User.csv, Account.csv, ...).",
            [export_path],
        )

    spec = load_spec()
    dbt_vars = _dbt_vars(loss_reason_field)
    by_stem = {name.lower(): name for name in spec}
    candidates: dict[str, list[Path]] = {}
    ignored: list[str] = []
    for entry in entries:
        kind = _classify(entry.name) if entry.is_file() else None
        obj = by_stem.get(kind[0].lower()) if kind else None
        if obj:
            candidates.setdefault(obj, []).append(entry)
        else:
            ignored.append(entry.name)

    problems: list[str] = []
    bad_files: list[Path] = []
    for obj, paths in candidates.items():
        if len(paths) > 1:
            names = " and ".join(p.name for p in paths)
            problems.append(
                f"{names}: the export holds {len(paths)} files for the object {obj}, and it is "
                f"not clear which one to read. Keep exactly one file per object and remove or "
                f"rename the others."
            )
            bad_files.extend(paths)
    found_names = ", ".join(e.name for e in entries[:40]) + (" ..." if len(entries) > 40 else "")
    for obj, obj_spec in spec.items():
        if obj_spec.required and obj not in candidates:
            near = [
                (e.name, e.name[len(k[0]) :])
                for e in entries
                if (k := _classify(e.name)) and match_key(k[0]) == match_key(obj)
            ]
            hint = (
                f" ({near[0][0]} looks like it: rename it to {obj}{near[0][1]}.)" if near else ""
            )
            problems.append(
                f"{obj}.csv: the required object {obj} is missing from {export_path} (expected "
                f"{obj}.csv, {obj}.csv.gz or {obj}.parquet; the name is matched "
                f"case-insensitively). Files "
                f"found: {found_names}.{hint} Add the {obj} export to the folder."
            )
    if problems:
        raise ExportError(problems, bad_files or [export_path])

    files: dict[str, ExportFile] = {}
    warn: list[str] = []
    for obj, obj_spec in spec.items():
        if obj not in candidates:
            continue
        path = candidates[obj][0]
        _stem, fmt, compression = _classify(path.name)  # type: ignore[misc]
        ef = ExportFile(
            object_name=obj,
            path=path,
            format=fmt,
            required=obj_spec.required,
            compression=compression,
            size_bytes=path.stat().st_size,
        )
        files[obj] = ef
        file_problems = (
            _inspect_parquet(ef) if ef.format == "parquet" else _inspect_csv_head(ef, encoding)
        )
        if not file_problems and not ef.empty:
            file_problems = _match_columns(ef, obj_spec, dbt_vars)
        if file_problems:
            problems.extend(file_problems)
            bad_files.append(path)
    # Only once every header is fine: the full decode pass (streams each file once).
    if not problems:
        for ef in files.values():
            if ef.format != "csv" or ef.empty:
                continue
            try:
                lines, problem = _scan_bytes(ef.path, encoding, compression=ef.compression)
            except (OSError, EOFError) as exc:  # a damaged .gz
                lines, problem = 0, f"it cannot be decompressed ({exc})"
            if problem:
                problems.append(_decode_problem(ef, encoding, problem))
                bad_files.append(ef.path)
            else:
                ef.rows = max(lines - 1, 0) if not ef.header_only else 0
                ef.rows_exact = False
    if problems:
        raise ExportError(problems, bad_files)

    for ef in files.values():
        kind = "required" if ef.required else "optional"
        if ef.empty:
            warn.append(f"{ef.name} is empty (no header, no rows); the {kind} object {ef.object_name} will have no rows.")
        elif ef.header_only:
            warn.append(f"{ef.name} has a header but no rows; the {kind} object {ef.object_name} will have no rows.")
        warn.extend(ef.collisions)
        if ef.missing_optional_columns:
            warn.append(
                f"{ef.name} lacks optional columns {', '.join(ef.missing_optional_columns)}; "
                f"the models that use them will see nulls."
            )
    missing_optional = [o for o, s in spec.items() if not s.required and o not in files]
    return PreflightResult(
        export_path=export_path,
        encoding=encoding,
        loss_reason_field=loss_reason_field,
        files=files,
        missing_optional_objects=missing_optional,
        ignored_files=ignored,
        warnings=warn,
        seconds=time.perf_counter() - started,
    )


def _decode_problem(ef: ExportFile, encoding: str, problem: str) -> str:
    text = f"{ef.name}: {problem.rstrip('.')}."
    if "not valid" in problem:
        text += " " + _encoding_hint(encoding)
    else:
        text += " Re-export the object as a comma-separated text file (CSV, UTF-8)."
    return text


def _inspect_csv_head(ef: ExportFile, encoding: str) -> list[str]:
    """Junk check on the first chunk, then the header. Fills header / empty / header_only."""
    if ef.size_bytes == 0:
        ef.empty, ef.rows, ef.rows_exact = True, 0, True
        return []
    try:
        _, problem = _scan_bytes(ef.path, encoding, limit=64 * 1024, compression=ef.compression)
    except (OSError, EOFError) as exc:  # not gzip, or a damaged .gz
        return [
            f"{ef.name}: it cannot be decompressed as gzip ({exc}). Re-compress it or export "
            f"it uncompressed as {ef.object_name}.csv."
        ]
    if problem:
        return [_decode_problem(ef, encoding, problem)]
    try:
        header, has_rows = _read_csv_header(ef.path, encoding, ef.compression)
    except UnicodeDecodeError as exc:  # header longer than the first chunk
        return [_decode_problem(ef, encoding, f"the header is not valid {encoding} ({exc.reason})")]
    except csv.Error as exc:
        return [
            f"{ef.name}: the header cannot be parsed as CSV ({exc}). Re-export the object as a "
            f"comma-separated, double-quoted CSV file."
        ]
    if header is None:
        ef.empty, ef.rows, ef.rows_exact = True, 0, True
        return []
    ef.header = header
    ef.header_only = not has_rows
    if ef.header_only:
        ef.rows, ef.rows_exact = 0, True
    if len(header) == 1:
        delim = _delimiter_name(header[0])
        if delim:
            return [
                f"{ef.name}: the header reads as a single column ({_show_header(header, 120)!r}); the file "
                f"seems to be {delim}-delimited, but the export must be comma-separated. "
                f"Re-export it as CSV with commas (Data Loader's default; Excel in some locales "
                f"saves 'CSV' with semicolons) or convert the delimiter to a comma."
            ]
    return []


def _inspect_parquet(ef: ExportFile) -> list[str]:
    import pyarrow.parquet as pq

    try:
        meta = pq.read_metadata(ef.path)
        schema = meta.schema.to_arrow_schema()
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types here
        with ef.path.open("rb") as fh:
            magic = _magic_hint(fh.read(4))
        return [
            f"{ef.name}: cannot be read as Parquet ({type(exc).__name__}: {str(exc)[:200]}).{magic} "
            f"Re-export the object, or export it as CSV."
        ]
    ef.header = list(schema.names)
    ef.rows, ef.rows_exact = meta.num_rows, True
    ef.header_only = meta.num_rows == 0
    return []
