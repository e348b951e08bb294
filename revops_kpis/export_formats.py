"""How export files write text, bytes and dates, and how to read them the one way staging parses.

The staging macros parse ISO 8601 dates and timestamps in UTF-8 text (`macros/cleaning/`).
Exports made by other tools than Data Loader write otherwise:

- report exports and spreadsheets write dates in the user's locale: `03/14/2025` or `3/14/25`
  (US, month first), `14/03/2025` or `14.03.2025` (day first), with a time such as `2:05 PM`;
- the Data Export Service writes ISO-8859-1 when the org asks for it, and files assembled by
  hand mix UTF-8 lines with Windows-1252 ones.

- report exports and spreadsheets write numbers in the user's locale too: `1,200.50` (US),
  `1.200,50` (German), `1 200,50` with a no-break space (French), `(1,200.50)` for a negative
  in an accounting format.

This module holds those rules; `revops_kpis.export_prepare` applies them to a file, and the
export checks report what they found. Nothing here guesses silently: a date order is taken
from the values that decide it (a first part above 12 can only be a day, a second part above 12
only a day), and a file whose values never decide it is refused unless the order is named; the
same for the decimal mark of numbers (`12,5` can only be a decimal comma, `0.25` only a decimal
point, `35.700` either).
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field


def allow_long_csv_fields() -> None:
    """Lifts the csv module's limit on a value's length (131,072 characters by default) for
    the whole process: a long text or rich-text field may be longer, and a long value is a
    legitimate one (dbt's landing reads it too: max_line_size in
    macros/landing/salesforce_export_file_reader.sql). Every module of the package that reads
    export files with the csv module calls it on import."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


allow_long_csv_fields()

# The date orders a user can name (var crm_date_order, option --date-order).
DATE_ORDERS = ("auto", "iso", "us", "eu")
DATE_ORDER_LABELS = {
    "iso": "ISO (year-month-day)",
    "us": "US (month/day/year)",
    "eu": "day/month/year",
}

# An ISO date, optionally with a time and an offset: what staging reads as it is.
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ].*)?")
# A locale date: two numbers and a year (2 or 4 digits) separated by / . or -, optionally a
# time (h:mm, h:mm:ss, fractions) with AM/PM and an offset or Z.
_TIME = (
    r"(?:,?[ T](?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?P<fraction>\.\d+)?)?"
    r"\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?\s*(?P<zone>[Zz]|[+-]\d{2}(?::?\d{2})?)?)?"
)
_LOCALE = re.compile(r"(?P<a>\d{1,2})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})" + _TIME)
# Year first with slashes or dots (2025/03/14, 2025.03.14 2:05 PM): one order only.
_YEAR_FIRST = re.compile(r"(?P<year>\d{4})(?P<sep>[/.])(?P<a>\d{1,2})(?P=sep)(?P<b>\d{1,2})" + _TIME)


@dataclass
class DateEvidence:
    """What the date values of one column (or file) say about their order."""

    iso: int = 0  # ISO values (and year-first ones)
    year_first: int = 0  # year first with slashes or dots (2025/03/14): converted, no order to tell
    locale: int = 0  # locale values (a/b/year)
    day_first: int = 0  # locale values whose first part is above 12 (a day)
    month_first: int = 0  # locale values whose second part is above 12 (a day)
    other: int = 0  # non-empty values that are neither
    first_day_first: tuple[int, str] | None = None  # (row, value) of the first such value
    first_month_first: tuple[int, str] | None = None
    other_examples: list[tuple[int, str]] = field(default_factory=list)

    def add(self, value: str, row: int) -> None:
        text = value.strip()
        if not text or text.lower() == "null":
            return
        if _ISO.fullmatch(text):
            self.iso += 1
            return
        if _YEAR_FIRST.fullmatch(text):
            self.iso += 1
            self.year_first += 1
            return
        match = _LOCALE.fullmatch(text)
        if not match:
            self.other += 1
            if len(self.other_examples) < 3:
                self.other_examples.append((row, text))
            return
        if _year(match["year"]) in (1899, 1900):
            # a spreadsheet's zero date (1/0/1900, 12/30/1899: a blank cell after Excel), which
            # staging reads as blank: no evidence of an order, and nothing to convert
            return
        self.locale += 1
        a, b = int(match["a"]), int(match["b"])
        if a > 12:
            self.day_first += 1
            self.first_day_first = self.first_day_first or (row, text)
        if b > 12:
            self.month_first += 1
            self.first_month_first = self.first_month_first or (row, text)

    def merge(self, other: DateEvidence) -> None:
        self.iso += other.iso
        self.year_first += other.year_first
        self.locale += other.locale
        self.day_first += other.day_first
        self.month_first += other.month_first
        self.other += other.other
        self.first_day_first = self.first_day_first or other.first_day_first
        self.first_month_first = self.first_month_first or other.first_month_first
        self.other_examples = (self.other_examples + other.other_examples)[:3]


@dataclass(frozen=True)
class DateOrderDecision:
    """The order a file's locale dates are read in, or why none can be chosen.

    order: 'iso' (no locale dates: nothing to convert), 'us' or 'eu'; None when the values
    cannot decide (`problem` says why: conflicting or undecided).
    """

    order: str | None
    problem: str | None = None  # 'conflict' or 'undecided'
    reason: str = ""


def decide_date_order(evidence: DateEvidence, requested: str = "auto") -> DateOrderDecision:
    """The date order of one file from its evidence, honouring a named order.

    A named order ('us', 'eu') is used as given, except that values it cannot read (a month
    above 12) are a conflict; 'iso' says the file has no locale dates (any it has are left
    to staging, which quarantines them as invalid dates). 'auto' reads the order off the
    values: day-first evidence only -> 'eu', month-first only -> 'us', both -> conflict,
    neither (every locale value has both parts at most 12) -> undecided.
    """
    if requested not in DATE_ORDERS:
        raise ValueError(f"date order must be one of {', '.join(DATE_ORDERS)}, not {requested!r}")
    if evidence.locale == 0 or requested == "iso":
        return DateOrderDecision("iso", reason="ISO dates" if requested != "iso" else "named: iso")
    if requested == "us":
        if evidence.day_first:
            row, value = evidence.first_day_first  # type: ignore[misc]
            return DateOrderDecision(None, "conflict", f"row {row} has {value!r}, which is not month/day/year")
        return DateOrderDecision("us", reason="named: us")
    if requested == "eu":
        if evidence.month_first:
            row, value = evidence.first_month_first  # type: ignore[misc]
            return DateOrderDecision(None, "conflict", f"row {row} has {value!r}, which is not day/month/year")
        return DateOrderDecision("eu", reason="named: eu")
    if evidence.day_first and evidence.month_first:
        (row_d, value_d), (row_m, value_m) = evidence.first_day_first, evidence.first_month_first  # type: ignore[misc]
        return DateOrderDecision(
            None, "conflict",
            f"row {row_d} has {value_d!r} (day first) but row {row_m} has {value_m!r} (month first)",
        )
    if evidence.day_first:
        row, value = evidence.first_day_first  # type: ignore[misc]
        return DateOrderDecision("eu", reason=f"{value!r} on row {row} can only be day/month/year")
    if evidence.month_first:
        row, value = evidence.first_month_first  # type: ignore[misc]
        return DateOrderDecision("us", reason=f"{value!r} on row {row} can only be month/day/year")
    return DateOrderDecision(
        None, "undecided",
        f"all {evidence.locale:,} locale dates have day and month both at most 12, so they read "
        "as month/day/year and as day/month/year alike",
    )


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:  # as spreadsheets read two-digit years: 00-69 -> 2000s, 70-99 -> 1900s
        year += 2000 if year < 70 else 1900
    return year


def to_iso(value: str, order: str, with_time: bool) -> str:
    """A locale date or timestamp as ISO text (`YYYY-MM-DD`, or `YYYY-MM-DD HH:MM:SS[.f][offset]`
    when `with_time`); anything else, ISO text included, comes back as it was, so staging
    parses it or quarantines it with its reason. A date column keeps only the date part.
    Year-first dates (2025/03/14) are converted whatever the order ('iso' included)."""
    text = value.strip()
    match = _YEAR_FIRST.fullmatch(text)
    if match:
        month, day = int(match["a"]), int(match["b"])
    else:
        match = _LOCALE.fullmatch(text) if order in ("us", "eu") else None
        if not match:
            return value
        a, b = int(match["a"]), int(match["b"])
        month, day = (a, b) if order == "us" else (b, a)
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return value  # an impossible date stays as written: staging quarantines it
    date = f"{_year(match['year']):04d}-{month:02d}-{day:02d}"
    if not with_time or match["hour"] is None:
        return date
    hour, minute = int(match["hour"]), int(match["minute"])
    ampm = (match["ampm"] or "").replace(".", "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            return value
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    second = match["second"] or "00"
    fraction = match["fraction"] or ""
    zone = match["zone"] or ""
    return f"{date} {hour:02d}:{minute:02d}:{second}{fraction}{zone}"


# --------------------------------------------------------------------------------------------
# Bytes: one decoding per line
# --------------------------------------------------------------------------------------------
# Windows-1252 leaves five bytes undefined; Latin-1 reads them as control characters.
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")


def decode_line(line: bytes, fallback: str | None = "cp1252") -> tuple[str, bool]:
    """(text, used_fallback): UTF-8 when the line is valid UTF-8, else the fallback encoding
    (Windows-1252 by default: a superset of Latin-1's printable characters, and what
    Windows tools write when they say "ANSI" or "Latin-1"). Raises UnicodeDecodeError when the
    fallback cannot read the line either, or when there is none (None: strict UTF-8)."""
    try:
        return line.decode("utf-8"), False
    except UnicodeDecodeError:
        if fallback is None:
            raise
    if fallback == "cp1252" and _CP1252_UNDEFINED.intersection(line):
        # bytes no Windows-1252 text holds: Latin-1 reads every byte, as the file's own
        # encoding probably is
        return line.decode("latin-1"), True
    return line.decode(fallback), True


def decoded_lines(
    lines: Iterable[bytes], fallback: str | None = "cp1252", counter: list[int] | None = None
) -> Iterator[str]:
    """Text lines from byte lines, each decoded by `decode_line`; `counter[0]` counts the lines
    that needed the fallback. A byte-order mark at the start is dropped."""
    first = True
    for line in lines:
        if first:
            line = line.removeprefix(b"\xef\xbb\xbf")
            first = False
        text, fell_back = decode_line(line, fallback)
        if fell_back and counter is not None:
            counter[0] += 1
        yield text


# --------------------------------------------------------------------------------------------
# Numbers: which mark is the decimal one
# --------------------------------------------------------------------------------------------
# The number formats a user can name (var crm_number_format, option --number-format).
NUMBER_FORMATS = ("auto", "us", "eu")
NUMBER_FORMAT_LABELS = {
    "us": "US (decimal point: 1,200.50)",
    "eu": "European (decimal comma: 1.200,50, 1 200,50)",
}
# Spaces written between thousands: a space, a no-break space (U+00A0, what French and other
# locales wrote until Java 13 / CLDR 34) and a narrow no-break space (U+202F, what they write
# since); no locale uses one as its decimal mark.
_SPACES = " \u00a0\u202f"
# A number as a locale writes it: an optional sign (or accounting parentheses), digits with
# ',' '.' or spaces between them; classified by `_number_shape`.
_LOCALE_NUMBER = re.compile(
    r"(?P<open>\()?(?P<sign>[+-])?(?P<body>\d[\d.,\u00a0\u202f ]*\d|\d)(?P<close>\))?"
)
_PLAIN_EXPONENT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+")
_GROUPED = re.compile(r"\d{1,3}(?:(?P<mark>[.,\u00a0\u202f ])\d{3})(?:(?P=mark)\d{3})*")


def _number_shape(text: str) -> tuple[str, str, str] | None:
    """(shape, sign, body) of a number as written, or None when it is not one.

    shape: 'plain' (digits only: the same in every format), 'us' (only a decimal point can
    read it: `1,200.50`, `0.25`, `1234.5`, `1,200,000`), 'eu' (only a decimal comma:
    `1.200,50`, `12,5`, `1.200.000`), 'ambiguous' (`35.700`, `1,200`: one mark followed by
    exactly three digits, after 1-3 digits that do not start with 0, reads as thousands in one
    format and as a decimal in the other), 'spaced' (thousands split by spaces and no decimal
    mark: `1 200`, the same in every format). A negative number in accounting parentheses
    `(1,200.50)` has sign '-'."""
    match = _LOCALE_NUMBER.fullmatch(text)
    if not match or bool(match["open"]) != bool(match["close"]) or (match["open"] and match["sign"]):
        return None
    sign = "-" if match["open"] else (match["sign"] or "")
    body = match["body"]
    spaced = any(space in body for space in _SPACES)
    if spaced:
        # spaces only between thousands, the decimal mark (if any) after them
        head, mark, tail = _split_last_mark(body, ".,")
        if not _GROUPED.fullmatch(head) or any(ch in head for ch in ".,") or (mark and not tail.isdigit()):
            return None
        if not mark:
            return "spaced", sign, body
        return ("us" if mark == "." else "eu"), sign, body
    if body.isdigit():
        return "plain", sign, body
    dots, commas = body.count("."), body.count(",")
    if dots and commas:
        # the last mark is the decimal one; the other one splits thousands
        head, mark, _tail = _split_last_mark(body, ".,")
        other = "," if mark == "." else "."
        if mark in head or not _GROUPED.fullmatch(head) or other not in head:
            return None
        return ("us" if mark == "." else "eu"), sign, body
    mark = "." if dots else ","
    if body.count(mark) > 1:  # 1,200,000 / 1.200.000: only thousands
        if not _GROUPED.fullmatch(body):
            return None
        return ("us" if mark == "," else "eu"), sign, body
    head, _mark, tail = body.partition(mark)
    decimal = "us" if mark == "." else "eu"
    if len(tail) == 3 and 1 <= len(head) <= 3 and not head.startswith("0"):
        return "ambiguous", sign, body
    return decimal, sign, body


def _split_last_mark(body: str, marks: str) -> tuple[str, str, str]:
    """(before, mark, after) around the last of `marks` in `body`; (body, '', '') without one."""
    at = max(body.rfind(mark) for mark in marks)
    if at < 0:
        return body, "", ""
    return body[:at], body[at], body[at + 1 :]


@dataclass
class NumberEvidence:
    """What the number values of one file say about their decimal mark."""

    plain: int = 0  # digits only (and plain exponents): read alike in every format
    us: int = 0  # values only a decimal point reads
    eu: int = 0  # values only a decimal comma reads
    ambiguous: int = 0  # 35.700 / 1,200: thousands in one format, a decimal in the other
    grouped: int = 0  # values with thousands separators or accounting parentheses (rewritten)
    other: int = 0  # non-empty values that are no number in any format (left to staging)
    first_us: tuple[int, str, str] | None = None  # (row, column, value) of the first such value
    first_eu: tuple[int, str, str] | None = None
    first_ambiguous: tuple[int, str, str] | None = None
    columns: dict[str, None] = field(default_factory=dict)  # the columns with non-plain values

    def add(self, value: str, row: int, column: str = "") -> None:
        text = value.strip(_SPACES)
        if not text or text.lower() == "null":
            return
        if _PLAIN_EXPONENT.fullmatch(text):
            self.plain += 1
            return
        shape = _number_shape(text)
        if shape is None:
            self.other += 1
            return
        kind, _sign, body = shape
        if "(" in text or kind == "spaced" or (kind in ("us", "eu") and _has_thousands(body, kind)):
            self.grouped += 1  # rewritten whatever the format
            self.columns.setdefault(column, None)
        if kind in ("plain", "spaced"):
            self.plain += 1
            return
        self.columns.setdefault(column, None)
        if kind == "us":
            self.us += 1
            self.first_us = self.first_us or (row, column, text)
        elif kind == "eu":
            self.eu += 1
            self.first_eu = self.first_eu or (row, column, text)
        else:
            self.ambiguous += 1
            self.first_ambiguous = self.first_ambiguous or (row, column, text)

    def merge(self, other: NumberEvidence) -> None:
        for name in ("plain", "us", "eu", "ambiguous", "grouped", "other"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.first_us = self.first_us or other.first_us
        self.first_eu = self.first_eu or other.first_eu
        self.first_ambiguous = self.first_ambiguous or other.first_ambiguous
        self.columns.update(other.columns)


def _has_thousands(body: str, kind: str) -> bool:
    return ("," if kind == "us" else ".") in body or any(space in body for space in _SPACES)


@dataclass(frozen=True)
class NumberFormatDecision:
    """The format a file's numbers are read in, or why none can be chosen.

    number_format: 'plain' (no value needs a format: nothing to convert), 'us' or 'eu';
    None when the values cannot decide (`problem`: 'conflict' or 'undecided').
    """

    number_format: str | None
    problem: str | None = None
    reason: str = ""


def _at(example: tuple[int, str, str]) -> str:
    row, column, value = example
    return f"{value!r} ({column}, row {row})" if column else f"{value!r} (row {row})"


def decide_number_format(evidence: NumberEvidence, requested: str = "auto") -> NumberFormatDecision:
    """The number format of one file from its evidence, honouring a named format.

    A named format ('us', 'eu') is used as given, except that a value only the other format
    reads is a conflict. 'auto' reads the format off the values: values only a decimal comma
    reads (`12,5`, `1.200,50`, `1.200.000`) -> 'eu'; values only a decimal point reads
    (`1,200.50`, `0.25`, `1234.5`) -> 'us'; both -> conflict; only ambiguous values (`35.700`,
    `1,200`) -> undecided; nothing but plain values -> 'plain'.
    """
    if requested not in NUMBER_FORMATS:
        raise ValueError(f"number format must be one of {', '.join(NUMBER_FORMATS)}, not {requested!r}")
    if requested in ("us", "eu"):
        clash = evidence.first_eu if requested == "us" else evidence.first_us
        if clash is not None:
            mark = "comma" if requested == "us" else "point"
            return NumberFormatDecision(
                None, "conflict", f"{_at(clash)} has a decimal {mark}"
            )
        return NumberFormatDecision(
            requested if _rewritten(evidence, requested) else "plain", reason=f"named: {requested}"
        )
    if evidence.us and evidence.eu:
        return NumberFormatDecision(
            None, "conflict",
            f"{_at(evidence.first_eu)} has a decimal comma but {_at(evidence.first_us)} "  # type: ignore[arg-type]
            "a decimal point",
        )
    if evidence.eu:
        return NumberFormatDecision("eu", reason=f"{_at(evidence.first_eu)} has a decimal comma")  # type: ignore[arg-type]
    if evidence.us:
        if not _rewritten(evidence, "us"):
            return NumberFormatDecision("plain", reason="plain decimals")
        return NumberFormatDecision("us", reason=f"{_at(evidence.first_us)} has a decimal point")  # type: ignore[arg-type]
    if evidence.ambiguous:
        return NumberFormatDecision(
            None, "undecided",
            f"all {evidence.ambiguous:,} values with a separator, such as "
            f"{_at(evidence.first_ambiguous)}, have one separator followed by three digits, "  # type: ignore[arg-type]
            "so they read as thousands (35.700 = 35700) and as decimals (35.700 = 35.7) alike",
        )
    if evidence.grouped:  # spaces between thousands only: the same in both formats
        return NumberFormatDecision("eu", reason="spaces between thousands")
    return NumberFormatDecision("plain", reason="plain numbers")


def _rewritten(evidence: NumberEvidence, number_format: str) -> bool:
    """Whether any value read in `number_format` is not plain decimal text as it is."""
    written = evidence.grouped or evidence.ambiguous
    return bool(written or (number_format == "eu" and evidence.eu))


def to_plain_number(value: str, number_format: str) -> str:
    """A number written in `number_format` ('us' or 'eu') as plain decimal text (`35700`,
    `1200.50`, `-1200.50` for an accounting `(1,200.50)`), the digits as written; anything
    else, plain numbers included, comes back as it was, so staging parses it or quarantines
    it with its reason."""
    text = value.strip(_SPACES)
    if number_format not in ("us", "eu") or not text or _PLAIN_EXPONENT.fullmatch(text):
        return value
    shape = _number_shape(text)
    if shape is None:
        return value
    kind, sign, body = shape
    if kind in ("us", "eu") and kind != number_format:
        return value  # only the other format reads it: the checks refuse such a file
    decimal, thousands = (".", ",") if number_format == "us" else (",", ".")
    digits = body
    for space in _SPACES:
        digits = digits.replace(space, "")
    digits = digits.replace(thousands, "").replace(decimal, ".")
    return f"{'-' if sign == '-' else ''}{digits}"


# --------------------------------------------------------------------------------------------
# The footer of a Salesforce report export
# --------------------------------------------------------------------------------------------
# A CSV exported from a Salesforce report ("Export > Details Only > Comma Delimited .csv")
# ends with a footer below its rows: a blank line, then one double-quoted value a line:
#
#     "Copyright (c) 2000-2025 salesforce.com, inc. All rights reserved."
#     "Confidential Information - Do Not Distribute"
#     "Generated By:  Jane Doe  14/02/2025 10:32"
#     "Acme Corp"
#
# (the org's name last, under the user who exported it). A footer is recognised only at the
# end of a file, after a blank line, and only when every line of it is one short value of these
# shapes: anything else stays a malformed row.
REPORT_FOOTER_MAX_CHARS = 200  # a footer line is one short value
REPORT_FOOTER_MAX_LINES = 12  # lines a footer can span (blank lines included)
REPORT_FOOTER_SHAPES = {
    "copyright": re.compile(
        r"Copyright\s*(?:\(c\)|\u00a9)\s*\d{4}(?:\s*-\s*\d{4})?\s+salesforce\.com,?\s+inc\.?\s+"
        r"All rights reserved\.?",
        re.IGNORECASE,
    ),
    "confidential": re.compile(r"Confidential Information\s*-\s*Do Not Distribute\.?", re.IGNORECASE),
    "generated_by": re.compile(r"Generated By:\s+\S.*", re.IGNORECASE),
}
REPORT_FOOTER_LABELS = {
    "copyright": "the copyright line",
    "confidential": "'Confidential Information - Do Not Distribute'",
    "generated_by": "'Generated By' (user, date and time)",
    "company": "the org's name",
}


def report_footer_shape(value: str) -> str | None:
    """The footer line `value` is ('copyright', 'confidential', 'generated_by'), or None."""
    text = value.strip()
    if not text or len(text) > REPORT_FOOTER_MAX_CHARS:
        return None
    return next((name for name, shape in REPORT_FOOTER_SHAPES.items() if shape.fullmatch(text)), None)


def report_footer(tail: Iterable[str | None]) -> tuple[int, list[str]] | None:
    """Where the report footer starts among the last lines of a file, or None when they end
    with none.

    `tail` holds the file's last lines after its last row of several values, in order: None
    for a blank line, the value for a line of one value (a line of one empty value, `""`, is
    blank too). The footer is the lines from a blank line to the end in which every value is a
    footer shape (each at most once, at least one of them), or the org's name: the last value,
    right after 'Generated By'. Returns (index of its first line in `tail`, what its values
    are, in order)."""
    lines = [None if value is None or not value.strip() else value for value in tail]
    for start, first in enumerate(lines):
        if first is not None:
            continue
        values = [value for value in lines[start:] if value is not None]
        kinds: list[str] = []
        for position, value in enumerate(values):
            kind = report_footer_shape(value)
            if kind is None and kinds[-1:] == ["generated_by"] and position == len(values) - 1:
                if len(value.strip()) <= REPORT_FOOTER_MAX_CHARS:
                    kind = "company"
            if kind is None or kind in kinds:
                break
            kinds.append(kind)
        else:
            if kinds:
                return start, kinds
    return None
