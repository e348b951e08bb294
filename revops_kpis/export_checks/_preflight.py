"""Preflight: find the object files, read headers / Parquet schemas, one decode pass per CSV.

Plain Python and pyarrow, no pandas: a multi-GB export is streamed in chunks.
"""

from __future__ import annotations

import codecs
import collections
import contextlib
import csv
import gzip
import io
import itertools
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from revops_kpis.export_formats import (
    DATE_ORDER_LABELS,
    DATE_ORDERS,
    NUMBER_FORMAT_LABELS,
    NUMBER_FORMATS,
    REPORT_FOOTER_LABELS,
    REPORT_FOOTER_MAX_LINES,
    DateEvidence,
    NumberEvidence,
    decide_date_order,
    decide_number_format,
    decoded_lines,
    report_footer,
    report_footer_shape,
)
from revops_kpis.export_spec import CRM_CONTRACTS, CrmContract, ObjectSpec, crm_contract, load_spec, match_key

DEFAULT_LOSS_REASON_FIELD = "Loss_Reason__c"
DEFAULT_CORPORATE_CURRENCY = "USD"  # the default of the dbt var corporate_currency
# file-name endings the dbt landing macro reads (salesforce_locate_export_file), lower case:
# ending -> (format, compression)
FILE_ENDINGS = {".csv": ("csv", None), ".csv.gz": ("csv", "gzip"), ".parquet": ("parquet", None)}
ENCODING_VAR = "crm_export_encoding"
DATE_ORDER_VAR = "crm_date_order"
NUMBER_FORMAT_VAR = "crm_number_format"
# the contract types whose values are numbers (read in the file's number format)
NUMBER_TYPES = ("amount", "number")
CHUNK_BYTES = 1 << 20  # decode pass: 1 MiB at a time
DATE_SAMPLE_ROWS = 50_000  # rows read to tell the date order and number format of a file
# (a prepared copy reads all)


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


class WrongCrmError(ExportError):
    """The folder is another CRM's export (a Salesforce folder checked as HubSpot, or the
    reverse): one line naming the files that show it and the --crm to use."""

    def __init__(self, message: str, files: Iterable[str | Path] = (), crm: str = ""):
        super().__init__(message, files)
        self.crm = crm  # the CRM the folder looks like


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
    fallback_lines: int = 0  # lines that are not UTF-8, read in the fallback encoding
    first_fallback_line: int | None = None
    nul_bytes: int = 0  # NUL bytes in the text (read as they are)
    first_nul_line: int | None = None
    date_evidence: DateEvidence | None = None  # of the contract's date and timestamp columns
    date_order: str = "iso"  # the order the file's locale dates are read in (iso: none)
    number_evidence: NumberEvidence | None = None  # of the contract's amount and number columns
    number_format: str = "plain"  # the format its numbers are read in (plain: none to convert)
    footer_lines: int = 0  # the lines of a Salesforce report footer below the rows (dropped)
    footer_first_line: int | None = None
    notes: list[str] = field(default_factory=list)  # what reading the file as it is involves
    read_path: Path | None = None  # the file dbt reads: the export's, or a prepared copy

    @property
    def needs_preparing(self) -> bool:
        """True when dbt must read a prepared copy (UTF-8, ISO dates, plain numbers, no report
        footer) instead of the file."""
        year_first = self.date_evidence is not None and self.date_evidence.year_first > 0
        return (
            self.format == "csv"
            and not self.empty
            and (
                self.fallback_lines > 0
                or self.date_order in ("us", "eu")
                or year_first
                or self.number_format in ("us", "eu")
                or self.footer_lines > 0
            )
        )

    @property
    def data_rows_limit(self) -> int | None:
        """The rows to read from the file: those above its report footer (None: every row)."""
        return self.rows if self.footer_lines else None

    @property
    def name(self) -> str:
        return self.path.name


@dataclass
class PreflightResult:
    export_path: Path
    encoding: str  # 'auto', or the encoding named for lines that are not UTF-8
    loss_reason_field: str
    files: dict[str, ExportFile]  # by object name, contract order
    missing_optional_objects: list[str]
    ignored_files: list[str]
    warnings: list[str]
    seconds: float = 0.0
    date_order: str = "auto"
    number_format: str = "auto"
    problems: list[str] = field(default_factory=list)  # when inspected without raising
    problem_files: list[Path] = field(default_factory=list)
    crm: str = "salesforce"  # whose contract the export was checked against (the dbt var crm_source)

    @property
    def objects(self) -> list[str]:
        return list(self.files)

    @property
    def notes(self) -> list[str]:
        return [note for ef in self.files.values() for note in ef.notes]


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
    if encoding == "auto":
        return "Re-export the file as UTF-8 (or Latin-1) CSV."
    return (
        f"The encoding was named {encoding!r} (`--encoding`, the dbt var `{ENCODING_VAR}`): "
        f"use `--encoding auto` (the default) to read every line that is not UTF-8 as "
        f"Windows-1252 / Latin-1, or re-export the file as UTF-8 CSV."
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


@dataclass
class MalformedRow:
    """A record whose fields cannot be matched to the header's columns."""

    line: int  # the physical line the record starts on (1 = the header's line)
    last_line: int  # the physical line it ends on (a quoted line break spans several)
    fields: int | None  # the fields found (None: the record cannot be split into fields)
    kind: str  # extra_fields, missing_fields, cut_off, unclosed_quote, stray_quote, footer_text


@dataclass
class ByteScan:
    """What one pass over a file's bytes found."""

    lines: int = 0
    fallback_lines: int = 0  # lines that are not UTF-8, read in the fallback encoding
    first_fallback_line: int | None = None
    nul_bytes: int = 0
    first_nul_line: int | None = None
    problem: str | None = None  # the file cannot be read as text: a sentence saying where
    # the CSV records (only when the scan checks them: `_scan_bytes(..., records=True)`)
    header_fields: int = 0  # the fields of the header, which every row must have
    records: int = 0  # data records (blank lines skipped, as DuckDB skips them)
    malformed: list[MalformedRow] = field(default_factory=list)  # the first MALFORMED_ROWS_SHOWN
    malformed_count: int = 0
    ends_without_line_break: bool = False  # the last line has no line break after it
    # a Salesforce report footer at the end (export_formats.report_footer): its first line, the
    # lines it spans to the end of the file, the records among them (not counted in `records`)
    footer_first_line: int | None = None
    footer_lines: int = 0
    footer_records: int = 0
    footer_kinds: list[str] = field(default_factory=list)


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13))
_BINARY_SHARE = 0.01  # more control bytes than this in the first chunk: not a text file
MALFORMED_ROWS_SHOWN = 20  # malformed rows listed per file (all are counted)


def _fallback_encoding(encoding: str) -> str | None:
    """The encoding for lines that are not UTF-8: Windows-1252 for 'auto', the named one
    otherwise, none (strict) for a named UTF-8. A named Latin-1 is read as Windows-1252 too,
    as browsers read it: the two differ only in bytes 0x80-0x9F, which are printable
    characters in Windows-1252 (the euro sign, curly quotes, dashes) and control characters
    no text holds in Latin-1 (`decode_line` still reads a line with a byte Windows-1252
    leaves undefined as Latin-1)."""
    if encoding == "auto":
        return "cp1252"
    name = codecs.lookup(encoding).name
    if name == "iso8859-1":
        return "cp1252"
    return None if name == "utf-8" else encoding


def _scan_bytes(
    path: Path,
    encoding: str,
    limit: int | None = None,
    compression: str | None = None,
    records: bool = False,
) -> ByteScan:
    """Decode `path` in chunks, every line in UTF-8 where it is valid UTF-8 and in the fallback
    encoding (`_fallback_encoding`) where it is not; count lines, fallback lines and NUL bytes.
    With `records`, the same pass also splits the text into CSV records (`_check_records`):
    rows whose field count is not the header's, unclosed quotes, a cut-off last line.

    Reads at most `limit` bytes if given (a character cut by the limit is not an error). A
    problem is a sentence naming the byte offset (in the uncompressed data) and the line.
    """
    scan = ByteScan()
    pieces = _decoded_pieces(path, encoding, limit, compression, scan)
    if records:
        _check_records(_text_lines(pieces, scan), scan)
    else:
        for _piece in pieces:
            pass
    if limit is None and scan.ends_without_line_break:
        scan.lines += 1  # a last line without a line break
    return scan


def _decoded_pieces(
    path: Path, encoding: str, limit: int | None, compression: str | None, scan: ByteScan
) -> Iterator[str]:
    """The text of `path`, piece by piece (a chunk's whole lines, or all of it), decoded as
    `_scan_bytes` says; fills the byte counts of `scan` and stops at the first problem."""
    wide = encoding.startswith(("utf-16", "utf-32"))
    fallback = None if wide else _fallback_encoding(encoding)
    offset = 0  # absolute offset of data[0]
    read_total = 0
    last = b""
    with _open_binary(path, compression) as fh:
        head = fh.read(4)
        magic = _magic_hint(head)
        if magic and not wide:
            scan.problem = f"it is not a plain text CSV.{magic}"
            return
        carry = head  # the first bytes go through the same checks
        read_total = len(head)
        first_chunk = True
        while True:
            size = CHUNK_BYTES if limit is None else min(CHUNK_BYTES, limit - read_total)
            chunk = fh.read(size) if size > 0 else b""
            read_total += len(chunk)
            at_limit = limit is not None and read_total >= limit
            if not chunk and (at_limit or not carry):
                break
            data = carry + chunk
            if first_chunk and not wide and data:
                first_chunk = False
                controls = sum(data.count(bytes([b])) for b in _CONTROL_BYTES)
                if controls > _BINARY_SHARE * len(data):
                    scan.problem = (
                        f"it contains binary data ({controls} control bytes in its first "
                        f"{len(data)} bytes); it is not a text CSV or it is damaged"
                    )
                    return
            if not wide and b"\x00" in data:
                if scan.first_nul_line is None:
                    scan.first_nul_line = scan.lines + data.count(b"\n", 0, data.find(b"\x00")) + 1
                scan.nul_bytes += data.count(b"\x00")
            codec = encoding if wide else "utf-8"
            try:
                text = data.decode(codec)
                good, carry = len(data), b""
            except UnicodeDecodeError as exc:
                cut = "end of data" in exc.reason and exc.end >= len(data)
                if cut and chunk:  # a multi-byte character split over two chunks
                    good, carry = exc.start, data[exc.start :]
                    text = data[:good].decode(codec)
                elif fallback is None:
                    line = scan.lines + data.count(b"\n", 0, exc.start) + 1
                    bad = data[exc.start : exc.start + 1]
                    scan.problem = (
                        f"byte 0x{bad.hex()} at byte offset {offset + exc.start} (line {line}) is "
                        f"not valid {encoding} ({exc.reason})"
                    )
                    return
                else:
                    # line by line: whole lines only (the rest waits for the next chunk)
                    end = data.rfind(b"\n") + 1 if chunk else len(data)
                    end = end or len(data)
                    good, carry = end, data[end:]
                    at = 0
                    parts = []
                    for number, line_bytes in enumerate(data[:end].split(b"\n")):
                        try:
                            parts.append(line_bytes.decode("utf-8"))
                        except UnicodeDecodeError as line_exc:
                            try:
                                parts.append(next(decoded_lines([line_bytes], fallback)))
                            except UnicodeDecodeError:
                                bad = line_bytes[line_exc.start : line_exc.start + 1]
                                scan.problem = (
                                    f"byte 0x{bad.hex()} at byte offset {offset + at + line_exc.start} "
                                    f"(line {scan.lines + number + 1}) is valid neither in UTF-8 nor in {fallback}"
                                )
                                return
                            scan.fallback_lines += 1
                            if scan.first_fallback_line is None:
                                scan.first_fallback_line = scan.lines + number + 1
                        at += len(line_bytes) + 1
                    text = "\n".join(parts)
            scan.lines += data.count(b"\n", 0, good)
            offset += good
            last = data[good - 1 : good] or last
            yield text
            if not chunk:
                break
    scan.ends_without_line_break = last not in (b"", b"\n")


def _text_lines(pieces: Iterable[str], scan: ByteScan) -> Iterator[str]:
    """Lines (without their line feed) from pieces of text, split at line feeds only, as the
    scan counts lines (a carriage return stays at the end of its line)."""
    pending = ""
    for piece in pieces:
        if not piece:
            continue
        lines = (pending + piece).split("\n")
        pending = lines.pop()
        yield from lines
    if pending:
        yield pending


_BATCH_LINES = 8192  # lines checked at a time: the common line is counted in a comprehension


def _check_records(lines: Iterable[str], scan: ByteScan) -> None:
    """Splits the lines into CSV records as DuckDB's reader does (comma, double quotes, a quote
    doubled inside quotes, blank lines skipped) and notes in `scan` every record whose field
    count differs from the header's (its first non-blank record), an opening quote not closed
    where its value ends, text after a closing quote, and a last record cut off (fewer fields
    and no line break at the end: an export that stopped mid-row). Line numbers are physical
    lines.

    A Salesforce report footer at the end of the file (a blank line, then lines of one value of
    the footer's shapes: `export_formats.report_footer`) is no row: it is noted in `scan`
    (`footer_*`), and its lines are neither counted nor malformed. A footer line anywhere else
    is a malformed row like any other (`footer_text`, so the message can say what it is).

    A line without a double quote is a whole record of (commas + 1) fields, so the lines of a
    batch without a quote and with the header's commas are counted at once; the others are
    read one by one: a line of quoted values without a quote inside them is split on `","`,
    any other line with a quote is read by the csv module (strict), with the lines its quoted
    values run over."""
    source = iter(lines)
    number = 0  # the physical lines read so far
    last: MalformedRow | None = None  # the last record, when malformed
    # the lines after the last record of several values, the candidates for a report footer:
    # (first line, last line, value, is a record); value None for a blank line
    tail: collections.deque[tuple[int, int, str | None, bool]] = collections.deque(
        maxlen=REPORT_FOOTER_MAX_LINES
    )

    def note(row: MalformedRow) -> None:
        scan.malformed_count += 1
        if len(scan.malformed) < MALFORMED_ROWS_SHOWN:
            scan.malformed.append(row)

    def record(line: str, start: int, more: Iterator[str]) -> tuple[int | None, int, str | None]:
        """(fields of the record starting with `line`, None when it is malformed or blank; the
        lines it spans; its value when it has one field); a malformed one is noted."""
        nonlocal last
        if '"' not in line:
            if line in ("", "\r"):
                return None, 1, None  # a blank line
            fields = line.count(",") + 1
            return fields, 1, (line[:-1] if line.endswith("\r") else line) if fields == 1 else None
        text = line[:-1] if line.endswith("\r") else line
        if len(text) > 1 and text[0] == text[-1] == '"':
            # every value quoted, as Data Loader writes: "a","b,c","" is 3 values when no
            # value holds a double quote
            values = text[1:-1].split('","')
            if not any('"' in value for value in values):
                return len(values), 1, values[0] if len(values) == 1 else None
        reader = csv.reader(
            itertools.chain((line,), more), delimiter=",", quotechar='"', doublequote=True, strict=True
        )
        try:
            row = next(reader)
        except csv.Error as exc:
            end = start + reader.line_num - 1
            # at the end of the file, or closed lines later with text after it: a quote that
            # was not closed where its value ends; on one line: text after a closing quote
            unclosed = "end of data" in str(exc) or end > start
            last = MalformedRow(start, end, None, "unclosed_quote" if unclosed else "stray_quote")
            note(last)
            return None, reader.line_num, None
        return len(row), reader.line_num, row[0] if len(row) == 1 else None

    def counted(fields: int | None, start: int, end: int, value: str | None) -> None:
        nonlocal last
        if fields is None:
            return
        scan.records += 1
        last = None
        if fields != scan.header_fields:
            kind = "extra_fields" if fields > scan.header_fields else "missing_fields"
            if value is not None and report_footer_shape(value):
                kind = "footer_text"
            last = MalformedRow(start, end, fields, kind)
            note(last)

    def follow(blank: bool, fields: int | None, start: int, end: int, value: str | None) -> None:
        """Keeps the lines a report footer could be made of (files of several columns only)."""
        if scan.header_fields < 2:
            return
        if blank or fields == 1:
            tail.append((start, end, value, not blank))
        else:
            tail.clear()

    for line in source:  # the header: the first record that is not blank
        fields, spanned, _value = record(line, number + 1, source)
        number += spanned
        if fields is not None:
            scan.header_fields = fields
            break
    commas = scan.header_fields - 1
    while True:
        batch = list(itertools.islice(source, _BATCH_LINES))
        if not batch:
            break
        size = len(batch)
        if commas:
            unusual = [j for j, line in enumerate(batch) if '"' in line or line.count(",") != commas]
        else:  # one column: a blank line has the header's commas too
            unusual = [j for j, line in enumerate(batch) if '"' in line or "," in line or line in ("", "\r")]
        done = 0  # batch[:done] is read
        for j in unusual:
            if j < done:
                continue  # a line of the record before
            if j > done:
                scan.records += j - done  # lines of the header's commas, without quotes
                last = None
                tail.clear()
            rest = (batch[k] for k in range(j + 1, size))
            fields, spanned, value = record(batch[j], number + j + 1, itertools.chain(rest, source))
            counted(fields, number + j + 1, number + j + spanned, value)
            follow(batch[j] in ("", "\r"), fields, number + j + 1, number + j + spanned, value)
            done = j + spanned
        if done < size:
            scan.records += size - done
            last = None
            tail.clear()
        number += max(size, done)  # a record past the batch took its lines from the source
    footer = report_footer(value for _start, _end, value, _record in tail) if tail else None
    if footer is not None:
        at, kinds = footer
        lines_of_footer = list(tail)[at:]
        first = lines_of_footer[0][0]
        records = sum(1 for *_lines, is_record in lines_of_footer if is_record)
        # every record of the footer has one field, and the header several: each was noted
        scan.records -= records
        scan.malformed_count -= records
        scan.malformed = [row for row in scan.malformed if row.line < first]
        scan.footer_first_line, scan.footer_lines = first, number - first + 1
        scan.footer_records, scan.footer_kinds = records, kinds
        return
    if (
        last is not None
        and scan.ends_without_line_break
        and last.kind in ("missing_fields", "unclosed_quote")
        and last.line > 1
    ):
        last.kind = "cut_off"


def _read_csv_header(
    path: Path, encoding: str, compression: str | None = None
) -> tuple[list[str] | None, bool]:
    """(header or None for an empty file, has_data_rows)."""
    wide = encoding.startswith(("utf-16", "utf-32"))
    with _open_binary(path, compression) as binary:
        if wide:
            lines: Iterator[str] = io.TextIOWrapper(binary, encoding=encoding, newline="")
        else:
            lines = decoded_lines(binary, _fallback_encoding(encoding))
        reader = csv.reader(lines, delimiter=",", quotechar='"', doublequote=True)
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


def first_positions(header: list[str]) -> dict[str, int]:
    """header -> its position; a header written twice is read at its first position, as DuckDB
    reads it (it renames the later copies)."""
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        positions.setdefault(name, index)
    return positions


def _show_header(header: list[str], limit: int = 600) -> str:
    """The header for a message: names clipped to 40 characters, the whole to `limit`."""
    names = [h if len(h) <= 40 else h[:39] + "…" for h in header]
    text = ", ".join(names) if names else "(nothing)"
    return text if len(text) <= limit else text[: limit - 4].rsplit(", ", 1)[0] + ", ..."


def _match_columns(
    export_file: ExportFile, spec: ObjectSpec, dbt_vars: dict[str, str], contract: CrmContract | None = None
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
        keys = col.match_keys(dbt_vars)  # as the dbt landing macro matches
        contract_keys.update(keys)
        found = next((by_key[key] for key in keys if key in by_key), [])
        if len(found) > 1:
            # one rule everywhere (the dbt landing, the GX suite, the prepared copies, the
            # warehouse load): the first of them is read; say so rather than pick silently
            export_file.collisions.append(
                f"{export_file.name}: {len(found)} columns all mean `{api}` "
                f"({', '.join(repr(h) for h in found)}); headers are matched case-insensitively "
                f"and ignoring underscores, so the first one, {found[0]!r}, is read. Drop the others."
            )
        if found:
            export_file.columns[api] = found[0]
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
            f"{shown}. Add the {plural} to the export ({(contract or crm_contract()).how_to_add_column}) "
            f"and export again."
        )
    return problems


def preflight(
    export_path: str | Path,
    encoding: str = "auto",
    loss_reason_field: str = DEFAULT_LOSS_REASON_FIELD,
    date_order: str = "auto",
    number_format: str = "auto",
    crm: str | None = None,
) -> PreflightResult:
    """Fast structural checks on an export folder; raises ExportError, naming every problem
    of every file at once, when it cannot be read (`inspect_export` returns them instead).
    `crm` (default Salesforce) names the contract the folder is checked against.
    """
    result = inspect_export(export_path, encoding, loss_reason_field, date_order, number_format, crm=crm)
    if result.problems:
        raise ExportError(result.problems, result.problem_files)
    return result


def inspect_export(
    export_path: str | Path,
    encoding: str = "auto",
    loss_reason_field: str = DEFAULT_LOSS_REASON_FIELD,
    date_order: str = "auto",
    number_format: str = "auto",
    crm: str | None = None,
) -> PreflightResult:
    """The structural checks of `preflight`, every file inspected whatever the others hold;
    the problems are in the result (`problems`, one paragraph each, by file) instead of raised.

    Reads CSV headers, makes one streamed decode pass per CSV (every line UTF-8 where it is
    valid UTF-8, else the fallback: Windows-1252 for `encoding='auto'`, the named encoding
    otherwise, none for 'utf-8'), reads the date and number values of the first
    DATE_SAMPLE_ROWS rows to tell the file's date order and number format, and Parquet
    schemas. The folder itself being unusable (absent, a file, empty) is raised at once:
    there is nothing else to say.
    """
    started = time.perf_counter()
    export_path = Path(export_path)
    contract = crm_contract(crm)
    record, label = contract.record_word, contract.label
    if encoding != "auto":
        try:
            encoding = codecs.lookup(encoding).name
        except LookupError:
            raise ExportError(
                f"Unknown encoding {encoding!r}: use auto (the default), or an encoding Python knows, "
                f"such as utf-8 or latin-1 (the option --encoding, the dbt var `{ENCODING_VAR}`)."
            ) from None
    if date_order not in DATE_ORDERS:
        raise ExportError(
            f"Unknown date order {date_order!r}: use one of {', '.join(DATE_ORDERS)} "
            f"(the option --date-order, the dbt var `{DATE_ORDER_VAR}`)."
        )
    if number_format not in NUMBER_FORMATS:
        raise ExportError(
            f"Unknown number format {number_format!r}: use one of {', '.join(NUMBER_FORMATS)} "
            f"(the option --number-format, the dbt var `{NUMBER_FORMAT_VAR}`)."
        )
    if not export_path.exists():
        raise ExportError(
            f"The export folder {export_path} does not exist. Put the CRM export there (one file "
            f"per {label} {record}, such as {contract.example_files[0]}) or point to it with the var "
            f"`crm_export_path`, the env var CRM_EXPORT_PATH or `--export PATH`.",
            [export_path],
        )
    if not export_path.is_dir():
        raise ExportError(
            f"The export path {export_path} is a file, not a folder. Point it at the folder that "
            f"holds one file per {label} {record} ({contract.examples()}, ...).",
            [export_path],
        )
    entries = sorted(p for p in export_path.iterdir() if not p.name.startswith("."))
    if not entries:
        raise ExportError(
            f"The export folder {export_path} is empty. Copy the CRM export into it: one CSV or "
            f"Parquet file per {label} {record}, named after the {record} ({contract.examples()}, ...).",
            [export_path],
        )

    spec = load_spec(crm=contract.crm)
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
    _check_crm(contract, spec, candidates, entries, export_path)
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
                f"{obj}.csv: the required {record} {obj} is missing from {export_path} (expected "
                f"{obj}.csv, {obj}.csv.gz or {obj}.parquet; the name is matched "
                f"case-insensitively). Files "
                f"found: {found_names}.{hint} Add the {obj} export to the folder."
                + (f" (This is checked as a {label} export, --crm {contract.crm}.)" if contract.crm != "salesforce" else "")
            )

    files: dict[str, ExportFile] = {}
    warn: list[str] = []
    for obj, obj_spec in spec.items():
        if obj not in candidates or len(candidates[obj]) > 1:
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
        file_problems = _inspect_file(ef, obj_spec, encoding, date_order, dbt_vars, number_format, contract)
        if file_problems:
            problems.extend(file_problems)
            bad_files.append(path)

    for ef in files.values():
        kind = "required" if ef.required else "optional"
        if ef.empty and ef.required:
            pass  # a problem (_empty_required_problem)
        elif ef.empty:
            warn.append(f"{ef.name} is empty (no header, no rows); the {kind} object {ef.object_name} will have no rows.")
        elif ef.header_only:
            warn.append(f"{ef.name} has a header but no rows; the {kind} object {ef.object_name} will have no rows.")
        warn.extend(ef.collisions)
        if ef.missing_optional_columns and not ef.header_only:
            warn.append(
                f"{ef.name} lacks optional columns {', '.join(ef.missing_optional_columns)}; "
                f"the models that use them will see nulls."
            )
        if ef.nul_bytes:
            warn.append(
                f"{ef.name} holds {ef.nul_bytes} NUL byte(s) (the first on line {ef.first_nul_line}), "
                f"typically from a rich-text field; they are read as they are."
            )
    missing_optional = [o for o, s in spec.items() if not s.required and o not in files]
    problems = _by_file(problems)
    return PreflightResult(
        export_path=export_path,
        encoding=encoding,
        loss_reason_field=loss_reason_field,
        files=files,
        missing_optional_objects=missing_optional,
        ignored_files=ignored,
        warnings=warn,
        seconds=time.perf_counter() - started,
        date_order=date_order,
        number_format=number_format,
        problems=problems,
        problem_files=bad_files,
        crm=contract.crm,
    )


def _check_crm(
    contract: CrmContract,
    spec: dict[str, ObjectSpec],
    candidates: dict[str, list[Path]],
    entries: list[Path],
    export_path: Path,
) -> None:
    """Raises WrongCrmError when the folder holds none of this CRM's required files but some
    of another CRM's: a Salesforce folder checked as HubSpot (or the reverse) is one line
    saying which CRM it looks like and the --crm to use, not a list of missing files."""
    if any(name in candidates for name, object_spec in spec.items() if object_spec.required):
        return
    stems = {match_key(kind[0]): entry.name for entry in entries if (kind := _classify(entry.name))}
    for other in CRM_CONTRACTS.values():
        if other.crm == contract.crm:
            continue
        other_spec = load_spec(crm=other.crm)
        found = [stems[match_key(name)] for name, object_spec in other_spec.items()
                 if object_spec.required and match_key(name) in stems]
        if found:
            raise WrongCrmError(
                f"{export_path} looks like a {other.label} export ({', '.join(found)}), not a "
                f"{contract.label} one (no {', '.join(n for n, o in spec.items() if o.required)}): "
                f"use --crm {other.crm}",
                [export_path],
                crm=other.crm,
            )


def _by_file(problems: list[str]) -> list[str]:
    """The problems in file order (each paragraph starts with its file name), so that a user
    reads every problem of one file together; the order within a file is kept."""
    return sorted(problems, key=lambda text: text.split(":", 1)[0].lower())


def _inspect_file(
    ef: ExportFile,
    spec: ObjectSpec,
    encoding: str,
    date_order: str,
    dbt_vars: dict[str, str],
    number_format: str = "auto",
    contract: CrmContract | None = None,
) -> list[str]:
    """Every problem of one file: its head and header, its columns, its bytes, its dates and
    numbers."""
    if ef.format == "parquet":
        problems = _inspect_parquet(ef)
        if not problems and not ef.empty:
            problems = _match_columns(ef, spec, dbt_vars, contract)
        ef.read_path = ef.path
        return problems
    problems = _inspect_csv_head(ef, encoding)
    if problems:
        return problems
    if ef.empty:
        return [_empty_required_problem(ef)] if spec.required else []
    problems = _match_columns(ef, spec, dbt_vars, contract)
    if problems and ef.header_only and not spec.required:
        # a header-only optional file is an object without rows, whatever columns it has
        ef.notes.append(f"{ef.name}: a header without rows: read as no {ef.object_name} rows.")
        return []
    try:
        scan = _scan_bytes(ef.path, encoding, compression=ef.compression, records=True)
    except (OSError, EOFError) as exc:  # a damaged .gz
        scan = ByteScan(problem=f"it cannot be decompressed ({exc})")
    if scan.problem:
        return problems + [_decode_problem(ef, encoding, scan.problem)]
    ef.rows, ef.rows_exact = scan.records, True
    if scan.footer_lines:
        ef.footer_lines, ef.footer_first_line = scan.footer_lines, scan.footer_first_line
        ef.header_only = ef.header_only or scan.records == 0
        ef.notes.append(_footer_note(ef, scan))
    if scan.malformed_count:
        problems.append(_malformed_rows_problem(ef, scan))
    elif scan.ends_without_line_break and scan.records and not scan.footer_lines:
        ef.notes.append(
            f"{ef.name}: its last line (line {scan.lines}) ends without a line break. Its fields "
            f"are all there, so it is read; if the export was cut off, its last value may be "
            f"incomplete: a complete export ends with a line break."
        )
    ef.fallback_lines, ef.first_fallback_line = scan.fallback_lines, scan.first_fallback_line
    ef.nul_bytes, ef.first_nul_line = scan.nul_bytes, scan.first_nul_line
    if scan.fallback_lines:
        fallback = _fallback_encoding(encoding)
        label = "Windows-1252 (Latin-1)" if fallback == "cp1252" else fallback
        ef.notes.append(
            f"{ef.name}: {scan.fallback_lines:,} line(s) are not UTF-8 (the first is line "
            f"{scan.first_fallback_line}); read as {label} and converted to UTF-8."
        )
    if problems:
        return problems
    return _inspect_values(ef, spec, encoding, date_order, dbt_vars, number_format)


def _empty_required_problem(ef: ExportFile) -> str:
    what = "0 bytes" if ef.size_bytes == 0 else "only blank lines"
    return (
        f"{ef.name}: the file is empty ({what}: no header, no rows), and {ef.object_name} is a "
        f"required object. The export of {ef.object_name} failed or was interrupted: export it "
        f"again (a file with no {ef.object_name} records still has its header line)."
    )


def _footer_note(ef: ExportFile, scan: ByteScan) -> str:
    """The line saying a report footer is dropped: the file, its lines, what they are."""
    first, count = scan.footer_first_line, scan.footer_lines
    where = f"line {first}" if count == 1 else f"lines {first}-{first + count - 1}"
    labels = [REPORT_FOOTER_LABELS[kind] for kind in scan.footer_kinds]
    what = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
    rows = "row" if scan.records == 1 else "rows"
    return (
        f"{ef.name}: the Salesforce report footer below its rows ({count} line"
        f"{'s' if count != 1 else ''}, {where}: a blank line, then {what}) is dropped; the "
        f"{scan.records:,} data {rows} above it are read."
    )


# per kind of malformed row: what it probably is, and the fix
_MALFORMED_ROW_HINTS = {
    "extra_fields": (
        "more fields than the header: a value with a comma that is not enclosed in double quotes "
        "(`Fabrikam, Foods Inc.` instead of `\"Fabrikam, Foods Inc.\"`)",
        "enclose every value that holds a comma, a double quote or a line break in double quotes "
        "(and double the quotes inside it), or export the object again with Data Loader, which does",
    ),
    "missing_fields": (
        "fewer fields than the header: a row cut short, or a line break inside a value that is "
        "not enclosed in double quotes",
        "complete the row, or enclose the value with the line break in double quotes, or export the "
        "object again",
    ),
    "unclosed_quote": (
        "a double quote opens a value that is not closed where the value ends, so the lines after "
        "it read as part of that one value",
        "close the quoted value, or double a double quote that is part of the value (`\"\"`)",
    ),
    "stray_quote": (
        "text after the double quote that closes a value (`\"abc\"def`)",
        "double a double quote that is part of a quoted value (`\"abc\"\"def\"`), or enclose the "
        "whole value in double quotes",
    ),
    "footer_text": (
        "a line of a Salesforce report footer where data rows are expected: a footer is dropped "
        "only at the end of the file, below a blank line, and rows follow this one (report exports "
        "joined into one file, or rows pasted below a footer)",
        "export the report again as one file, or delete the footer lines between the rows (a footer "
        "at the very end is dropped by itself)",
    ),
    "cut_off": (
        "the last row stops short and the file does not end with a line break: the file was cut off "
        "(an interrupted download, copy or export)",
        "export the object again; a complete file ends with a line break",
    ),
}


def _malformed_rows_problem(ef: ExportFile, scan: ByteScan) -> str:
    """One paragraph naming every malformed row of a file (the first MALFORMED_ROWS_SHOWN,
    with the count of the others), its line, the fields found and expected, and the fix."""
    expected = scan.header_fields
    count = scan.malformed_count
    lines = []
    for row in scan.malformed:
        where = f"line {row.line}" if row.last_line == row.line else f"lines {row.line}-{row.last_line}"
        found = ""
        if row.fields is not None:
            found = f"{row.fields} field{'s' if row.fields != 1 else ''} instead of {expected}: "
        lines.append(f"  - {where}: {found}{_MALFORMED_ROW_HINTS[row.kind][0]}.")
    if count > len(scan.malformed):
        lines.append(f"  - and {count - len(scan.malformed):,} more row(s) like these.")
    kinds = list(dict.fromkeys(row.kind for row in scan.malformed))
    fixes = "; ".join(f"{_MALFORMED_ROW_HINTS[kind][1]}" for kind in kinds)
    rows = "row does" if count == 1 else "rows do"
    return (
        f"{ef.name}: {count:,} {rows} not split into the header's {expected} fields, so "
        f"{'its values' if count == 1 else 'their values'} cannot be matched to the columns "
        f"(line numbers are the file's lines; line 1 is the header):\n" + "\n".join(lines)
        + f"\nFix: {fixes[0].upper() + fixes[1:]}. Nothing is built until every row has "
        f"{expected} fields."
    )


def _inspect_values(
    ef: ExportFile,
    spec: ObjectSpec,
    encoding: str,
    date_order: str,
    dbt_vars: dict[str, str],
    number_format: str = "auto",
) -> list[str]:
    """Reads the date, timestamp, amount and number columns of the first DATE_SAMPLE_ROWS rows
    and decides the order the file's locale dates are read in (export_formats.decide_date_order)
    and the format of its numbers (export_formats.decide_number_format)."""
    date_columns = _typed_columns(ef, spec, dbt_vars, ("date", "timestamp"))
    number_columns = _typed_columns(ef, spec, dbt_vars, NUMBER_TYPES)
    if not (date_columns or number_columns) or ef.header_only:
        return []
    dates = DateEvidence()
    numbers = NumberEvidence()
    try:
        with csv_rows(ef.path, encoding, ef.compression, ef.data_rows_limit) as rows:
            for number, row in enumerate(rows, start=1):
                if number > DATE_SAMPLE_ROWS:
                    break
                for position, _api in date_columns:
                    if position < len(row):
                        dates.add(row[position], number)
                for position, api in number_columns:
                    if position < len(row):
                        numbers.add(row[position], number, api)
    except csv.Error as exc:
        return [
            f"{ef.name}: it cannot be parsed as CSV ({exc}). This usually means an unclosed double "
            f"quote; fix or re-export the file (comma-separated, double-quoted fields)."
        ]
    problems = []
    if date_columns:
        ef.date_evidence = dates
        problems += _decide_dates(ef, dates, date_order, date_columns)
    if number_columns:
        ef.number_evidence = numbers
        problems += _decide_numbers(ef, numbers, number_format)
    return problems


def _typed_columns(
    ef: ExportFile, spec: ObjectSpec, dbt_vars: dict[str, str], types: tuple[str, ...]
) -> list[tuple[int, str]]:
    """(position in the header, API name) of the contract's columns of `types` in the file."""
    positions = first_positions(ef.header)
    return [
        (positions[ef.columns[c.api_name_for(dbt_vars)]], c.api_name_for(dbt_vars))
        for c in spec.columns
        if c.type in types and c.api_name_for(dbt_vars) in ef.columns
    ]


def _decide_dates(
    ef: ExportFile, evidence: DateEvidence, date_order: str, wanted: list[tuple[int, str]]
) -> list[str]:
    decision = decide_date_order(evidence, date_order)
    columns = ", ".join(f"`{api}`" for _position, api in wanted)
    if decision.order is None:
        option = f"`--date-order us` or `--date-order eu` (the dbt var `{DATE_ORDER_VAR}`)"
        if decision.problem == "conflict":
            return [
                f"{ef.name}: its dates ({columns}) are written in two orders: {decision.reason}. "
                f"Re-export the file with one date format, or name the order with {option}."
            ]
        return [
            f"{ef.name}: its dates ({columns}) cannot tell their order: {decision.reason}. Say "
            f"which it is with {option}; exports from US orgs write month/day/year."
        ]
    ef.date_order = decision.order
    if decision.order in ("us", "eu"):
        ef.notes.append(
            f"{ef.name}: {evidence.locale:,} dates in {columns} read as "
            f"{DATE_ORDER_LABELS[decision.order]} ({decision.reason}) and converted to ISO."
        )
    return []


def number_format_problem(ef_name: str, columns: list[str], decision_problem: str, reason: str) -> str:
    """The message refusing a file whose numbers cannot be read in one format: the file, the
    columns, why, and the option (shared by the checks and the prepared copy)."""
    shown = ", ".join(f"`{c}`" for c in columns)
    option = f"`--number-format us` or `--number-format eu` (the dbt var `{NUMBER_FORMAT_VAR}`)"
    if decision_problem == "conflict":
        return (
            f"{ef_name}: its numbers ({shown}) are written in two formats: {reason}. Re-export "
            f"the file with one number format (the same user locale for every row), or name the "
            f"format with {option}."
        )
    return (
        f"{ef_name}: its numbers ({shown}) cannot tell their format: {reason}. Say which it is "
        f"with {option}: us when a point is the decimal mark (1,200.50), eu when a comma is "
        f"(1.200,50); nothing is read until then."
    )


def _decide_numbers(ef: ExportFile, evidence: NumberEvidence, number_format: str) -> list[str]:
    decision = decide_number_format(evidence, number_format)
    if decision.number_format is None:
        return [number_format_problem(ef.name, list(evidence.columns), decision.problem or "", decision.reason)]
    ef.number_format = decision.number_format
    if decision.number_format in ("us", "eu"):
        shown = ", ".join(f"`{c}`" for c in evidence.columns)
        ef.notes.append(
            f"{ef.name}: numbers in {shown} read as {NUMBER_FORMAT_LABELS[decision.number_format]} "
            f"({decision.reason}) and converted to plain decimals."
        )
    return []


@contextlib.contextmanager
def csv_rows(
    path: Path, encoding: str, compression: str | None = None, limit: int | None = None
) -> Iterator[Iterator[list[str]]]:
    """The data rows of a CSV (header skipped), every line decoded as `_scan_bytes` decodes it;
    blank lines are skipped, as DuckDB's reader skips them (a line of empty fields is a row).
    With `limit`, the first `limit` rows only: the rows above a report footer
    (`ExportFile.data_rows_limit`)."""
    wide = encoding.startswith(("utf-16", "utf-32"))
    with _open_binary(path, compression) as binary:
        if wide:
            lines: Iterator[str] = io.TextIOWrapper(binary, encoding=encoding, newline="")
        else:
            lines = decoded_lines(binary, _fallback_encoding(encoding))
        reader = csv.reader(lines, delimiter=",", quotechar='"', doublequote=True)
        next(reader, None)
        rows = (row for row in reader if row)
        yield rows if limit is None else itertools.islice(rows, limit)


def _decode_problem(ef: ExportFile, encoding: str, problem: str) -> str:
    text = f"{ef.name}: {problem.rstrip('.')}."
    if "not valid" in problem or "valid neither" in problem:
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
        problem = _scan_bytes(ef.path, encoding, limit=64 * 1024, compression=ef.compression).problem
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
