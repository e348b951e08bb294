"""How export files write text, bytes and dates, and how to read them the one way staging parses.

The staging macros parse ISO 8601 dates and timestamps in UTF-8 text (`macros/cleaning/`).
Exports made by other tools than Data Loader write otherwise:

- report exports and spreadsheets write dates in the user's locale: `03/14/2025` or `3/14/25`
  (US, month first), `14/03/2025` or `14.03.2025` (day first), with a time such as `2:05 PM`;
- the Data Export Service writes ISO-8859-1 when the org asks for it, and files assembled by
  hand mix UTF-8 lines with Windows-1252 ones.

This module holds those rules; `revops_kpis.export_prepare` applies them to a file, and the
export checks report what they found. Nothing here guesses silently: a date order is taken
from the values that decide it (a first part above 12 can only be a day, a second part above 12
only a day), and a file whose values never decide it is refused unless the order is named.
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
