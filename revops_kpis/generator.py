"""Deterministic, vectorised generator of a realistic Salesforce export folder.

The export looks like a Data Loader / Bulk API extract of a small B2B sales org: one file
per object (`Opportunity.csv`, `OpportunityHistory.csv`, ...), Salesforce API names as
headers (taken from the export contract, `export_spec.load_spec()`), Data Loader value
formats, and a data story that exercises every rule of the stage-progression layer
(skips, automated changes, backward moves, reopens, batch logging, stale deals,
close-date pushes, owner changes, multi-currency) plus a few rows of each kind of bad
input the cleaner must quarantine.

    python -m revops_kpis.generator --out data/demo_export
    python -m revops_kpis.generator --out /tmp/big --opportunities 1000000 --format parquet

Everything is built column-wise with numpy / pyarrow: the only Python loops run over
objects, stages, reps, simulation steps or write chunks, never over rows. The same seed
and arguments give byte-identical files: random draws come from seeded generators whose
order never depends on chunking, and cosmetic per-cell choices (timestamp offsets,
boolean spellings, blank spellings, 15-character references) are a hash of
(seed, column, row index).

Rules a consumer can rely on (see also the module constants):

* Ids: 3-char key prefix + 2-char pod ``5J`` + ``0`` + a 9-char base-62 sequence; the
  18-char form (with the case-checksum suffix, `to_18`) is used everywhere except a few
  reference cells (``OpportunityHistory.OpportunityId``, ``Task.WhatId``) written in the
  15-char form of the same record. Ids increase with the record's CreatedDate within an
  object (history rows: with their timestamp; ties keep the order of the changes).
* Timestamps are UTC, mostly ``2025-03-05T14:22:11.000Z``; about 2% end in ``+0000`` and
  1% in ``+02:00`` (the local time then reads two hours later: same instant).
* Stages: the demo org's sales process, ``DEMO_STAGES``: six of Salesforce's default open
  stages (not Id. Decision Makers nor Perception Analysis) and the won and lost stages, with
  the probabilities and forecast categories this org gave them; Probability and
  ForecastCategory(Name) are the stage's. A few rows are in ``CUSTOM_STAGE``, a stage no
  definition names (see bad rows). About 1.5% of the non-final history rows spell the stage with a
  changed case or spacing (``closed won``, ``Needs  Analysis``, ``PROSPECTING``,
  ``Qualification `` with a trailing space).
* Blank values are mostly empty fields; a few are an explicit quoted empty string
  (CSV ``""``) or the literal ``null``. In Parquet, every column is a string; empty
  fields are nulls, explicit empties are ``""``.
* OpportunityHistory: one row per saved change, the first at the opportunity's
  CreatedDate (same instant); the opportunity's StageName / Amount / CloseDate equal its
  last row. ForecastCategory carries the same labels as Opportunity.ForecastCategoryName
  (Pipeline, Best Case, Commit, Closed, Omitted). Two rows of a deal may share a
  timestamp: order them by (CreatedDate, Id).
* Scale: reps = max(24, opportunities / 500) in teams of ~6, accounts = opportunities / 3,
  leads = max(opportunities / 5, min(opportunities / 2, 5000)), ~5.7 history rows and
  ~20 tasks + events per opportunity; 8 calendar quarters ending with end_date's quarter.
* Bad rows (inject_bad_rows) are appended after the clean rows of their file, one defect
  each. The opportunity that gets a conflicting duplicate row has no history, field
  history or activities, so quarantining it cascades to nothing: a correct cleaner
  quarantines exactly the rows counted in the manifest's ``bad_rows``. Appended with them,
  and counted apart (``custom_stage_rows``), are copies of clean opportunity and history
  rows moved to ``CUSTOM_STAGE``: not bad rows, a correct cleaner keeps them (as a stage
  inferred from the rows).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
import unicodedata
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from revops_kpis.export_spec import PROJECT_ROOT, load_spec, match_key

# The demo org's stages in order (open stages, then won, then lost), with its probabilities
# and forecast categories: an org's own settings, not Salesforce's defaults (the seed
# stage_order holds those; the project keeps the seed stages an export uses).
DEMO_STAGES = (
    ("Prospecting", 10, "Pipeline"),
    ("Qualification", 20, "Pipeline"),
    ("Needs Analysis", 30, "Pipeline"),
    ("Value Proposition", 50, "Best Case"),
    ("Proposal/Price Quote", 70, "Best Case"),
    ("Negotiation/Review", 90, "Commit"),
    ("Closed Won", 100, "Closed"),
    ("Closed Lost", 0, "Omitted"),
)

# Objects written, in write order. OpportunityStage is deliberately absent: plain data
# exports lack it and the project then uses the `stage_order` seed.
OBJECTS = (
    "User",
    "Account",
    "Opportunity",
    "OpportunityHistory",
    "OpportunityFieldHistory",
    "Task",
    "Event",
    "Lead",
    "ForecastingQuota",
    "DatedConversionRate",
)
# Columns an export carries beyond the contract (personal data the project must ignore).
EXTRA_COLUMNS = {
    "Lead": ("FirstName", "LastName", "Email", "Phone", "Company"),
    "User": ("Email",),
}
# Injected bad-row kinds per object (manifest reason codes: what a correct cleaner
# quarantines or drops).
BAD_KINDS = {
    "Opportunity": (
        "missing_id",
        "invalid_id",
        "conflicting_duplicate_id",
        "invalid_date",
        "invalid_amount",
        "invalid_timestamp",
        "invalid_boolean",
        "missing_required_value",
        "duplicate",
        "deleted",
    ),
    "OpportunityHistory": ("unknown_opportunity", "invalid_timestamp", "duplicate", "deleted"),
    "Task": ("invalid_timestamp", "duplicate", "deleted"),
    "Event": ("invalid_timestamp",),
    "Account": ("duplicate",),
    "User": ("duplicate",),
}
# A stage in neither the demo org's definitions nor the seed, on a few copied rows of each
# of these objects (manifest custom_stage_rows): rows a correct cleaner keeps.
CUSTOM_STAGE = "Stage X"
CUSTOM_STAGE_OBJECTS = ("Opportunity", "OpportunityHistory")

DAY = 86_400
CHUNK_ROWS = 250_000
MIN_OPPORTUNITIES = 20

# ---------------------------------------------------------------------------------------
# Salesforce ids
# ---------------------------------------------------------------------------------------
POD = b"5J"
KEY_PREFIX = {
    "Account": "001",
    "Contact": "003",
    "User": "005",
    "Opportunity": "006",
    "OpportunityHistory": "008",
    "UserRole": "00E",
    "Lead": "00Q",
    "Task": "00T",
    "Event": "00U",
    "OpportunityFieldHistory": "017",
    "ForecastingQuota": "0J9",
    "DatedConversionRate": "04w",
}
_B62 = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", np.uint8)
_SUFFIX = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", np.uint8)


def _seq_offset(prefix: str) -> int:
    """Start of an object's id sequence: the 9-char sequence reads `00` + a letter + ...,
    so every id has upper- and lower-case letters in several checksum chunks."""
    h = zlib.crc32(prefix.encode())
    return 62**6 * (10 + h % 50) + 62**4 * (h >> 8) % 62**6


def _id15_matrix(prefix: str, seq: np.ndarray) -> np.ndarray:
    seq = np.asarray(seq, dtype=np.int64)
    out = np.empty((seq.size, 15), np.uint8)
    out[:, 0:3] = np.frombuffer(prefix.encode(), np.uint8)
    out[:, 3:5] = np.frombuffer(POD, np.uint8)
    out[:, 5] = ord("0")
    v = seq + _seq_offset(prefix)
    for j in range(14, 5, -1):
        out[:, j] = _B62[v % 62]
        v //= 62
    return out


def _to_18_matrix(m15: np.ndarray) -> np.ndarray:
    upper = ((m15 >= ord("A")) & (m15 <= ord("Z"))).reshape(-1, 3, 5).view(np.uint8)
    bits = (upper * np.array([1, 2, 4, 8, 16], np.uint8)).sum(axis=2, dtype=np.uint8)
    out = np.empty((m15.shape[0], 18), np.uint8)
    out[:, :15] = m15
    out[:, 15:] = _SUFFIX[bits]
    return out


_ALNUM = np.zeros(256, bool)
_ALNUM[_B62] = True


def to_18(id15):
    """15-character Salesforce id(s) -> 18-character form (case-checksum suffix).

    For each of the three 5-character chunks, bit i (i = 0..4) is set when character i of
    the chunk is an upper-case A-Z; the 5-bit value indexes
    ``ABCDEFGHIJKLMNOPQRSTUVWXYZ012345``. Accepts a string (returns a string) or an array /
    sequence of strings (returns a numpy array of str), vectorised. Raises ValueError for
    anything that is not 15 ASCII letters and digits.
    """
    if isinstance(id15, (str, bytes)):
        return str(to_18(np.array([id15]))[0])
    arr = np.asarray(id15).ravel()
    if arr.size == 0:
        return np.array([], dtype="<U18")
    if arr.dtype.kind == "O":
        arr = arr.astype(str)
    if arr.dtype.kind not in "US":
        raise ValueError(f"to_18 needs strings, not {arr.dtype}")
    try:
        raw = arr.astype("S") if arr.dtype.kind == "U" else arr
    except UnicodeEncodeError:
        raise ValueError("not a 15-character Salesforce id: non-ASCII characters") from None
    lengths = np.strings.str_len(raw)
    m15 = raw.astype("S15").view(np.uint8).reshape(-1, 15) if raw.dtype.itemsize else np.zeros((arr.size, 15), np.uint8)
    bad = (lengths != 15) | ~_ALNUM[m15].all(axis=1)
    if bad.any():
        raise ValueError(f"not a 15-character Salesforce id: {str(arr[np.argmax(bad)])!r}")
    return _to_18_matrix(m15).view("S18").ravel().astype("<U18")


def _fixed_strings(m: np.ndarray) -> pa.Array:
    """A (n, w) uint8 matrix of ASCII bytes -> Arrow string array (zero copy)."""
    m = np.ascontiguousarray(m)
    n, w = m.shape
    offsets = np.arange(0, (n + 1) * w, w, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(m))


def _id_array(prefix: str, seq: np.ndarray, short: np.ndarray | None = None, valid: np.ndarray | None = None) -> pa.Array:
    return _ids_from_matrix(_to_18_matrix(_id15_matrix(prefix, seq)), short, valid)


def _ids_from_matrix(m18: np.ndarray, short: np.ndarray | None = None, valid: np.ndarray | None = None) -> pa.Array:
    """18-char id matrix -> strings; rows flagged `short` in the 15-char form."""
    out = _fixed_strings(m18)
    if short is not None and short.any():
        out = pc.replace_with_mask(out, pa.array(short), _fixed_strings(m18[short, :15]))
    return _null_where(out, None if valid is None else ~valid)


def _null_where(arr: pa.Array, mask: np.ndarray | None) -> pa.Array:
    if mask is None or not mask.any():
        return arr
    return pc.if_else(pa.array(mask), pa.scalar(None, pa.string()), arr)


# ---------------------------------------------------------------------------------------
# Vectorised value formatting
# ---------------------------------------------------------------------------------------
_EPOCH = dt.date(1970, 1, 1)


def _days(d: dt.date) -> int:
    return (d - _EPOCH).days


def _civil(days: np.ndarray):
    """Days since 1970-01-01 -> (year, month, day) arrays (proleptic Gregorian)."""
    z = np.asarray(days, dtype=np.int64) + 719_468
    era = np.floor_divide(z, 146_097)
    doe = z - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = np.where(mp < 10, mp + 3, mp - 9)
    y = yoe + era * 400 + (m <= 2)
    return y, m, d


def _put_digits(out: np.ndarray, col: int, width: int, values: np.ndarray) -> None:
    v = np.asarray(values, dtype=np.int64).copy()
    for j in range(width - 1, -1, -1):
        out[:, col + j] = 48 + v % 10
        v //= 10


def _date_matrix(days: np.ndarray) -> np.ndarray:
    y, m, d = _civil(days)
    out = np.empty((len(y), 10), np.uint8)
    _put_digits(out, 0, 4, y)
    out[:, 4] = out[:, 7] = ord("-")
    _put_digits(out, 5, 2, m)
    _put_digits(out, 8, 2, d)
    return out


def _date_array(days: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    return _null_where(_fixed_strings(_date_matrix(days)), None if valid is None else ~valid)


def _ts_matrix(secs: np.ndarray, suffix: bytes = b"") -> np.ndarray:
    s = np.asarray(secs, dtype=np.int64)
    days = np.floor_divide(s, DAY)
    sod = s - days * DAY
    m = np.empty((s.size, 19 + len(suffix)), np.uint8)
    m[:, :10] = _date_matrix(days)
    m[:, 10] = ord("T")
    _put_digits(m, 11, 2, sod // 3600)
    m[:, 13] = m[:, 16] = ord(":")
    _put_digits(m, 14, 2, sod // 60 % 60)
    _put_digits(m, 17, 2, sod % 60)
    if suffix:
        m[:, 19:] = np.frombuffer(suffix, np.uint8)
    return m


def _ts_array(secs: np.ndarray, u: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Epoch seconds -> Data Loader timestamps; u (uniform 0..1 per cell) picks the
    spelling: ~97% `...000Z`, ~2% `+0000`, ~1% `+02:00` (local time shifted)."""
    secs = np.asarray(secs, dtype=np.int64)
    out = _fixed_strings(_ts_matrix(secs, b".000Z"))
    variant = u >= 0.97
    if variant.any():
        plus2 = u[variant] >= 0.99
        core = _fixed_strings(_ts_matrix(secs[variant] + np.where(plus2, 7200, 0)))
        out = pc.replace_with_mask(out, pa.array(variant), _join(core, _pick(plus2.astype(np.int64), [".000+0000", ".000+02:00"])))
    return _null_where(out, None if valid is None else ~valid)


def _pick(codes: np.ndarray, labels) -> pa.Array:
    """Categorical codes -> strings (labels may contain None for nulls)."""
    codes = np.asarray(codes, dtype=np.int32)
    labels = list(labels)
    nulls = [i for i, v in enumerate(labels) if v is None]
    dictionary = pa.array(["" if v is None else v for v in labels], pa.string())
    out = pa.DictionaryArray.from_arrays(pa.array(codes), dictionary).dictionary_decode()
    if nulls:
        out = _null_where(out, np.isin(codes, nulls))
    return out


def _bool_array(values: np.ndarray, u: np.ndarray) -> pa.Array:
    """true/false; ~3% of cells spelled TRUE/FALSE or 1/0."""
    variant = np.where(u < 0.97, 0, np.where(u < 0.985, 1, 2))
    codes = variant * 2 + (~np.asarray(values, bool)).astype(np.int64)
    return _pick(codes, ["true", "false", "TRUE", "FALSE", "1", "0"])


def _amount_array(cents: np.ndarray) -> pa.Array:
    cents = np.asarray(cents, dtype=np.int64)
    whole = pc.cast(pa.array(cents // 100), pa.string())
    frac = pc.utf8_lpad(pc.cast(pa.array(cents % 100), pa.string()), 2, "0")
    return pc.binary_join_element_wise(whole, frac, ".")


def _int_array(values: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    out = pc.cast(pa.array(np.asarray(values, dtype=np.int64)), pa.string())
    return _null_where(out, None if valid is None else ~valid)


def _blank_spelling(arr: pa.Array, blank: np.ndarray, u: np.ndarray) -> pa.Array:
    """Cells where `blank` is set become empty: ~90% null (empty field), ~5% an explicit
    empty string, ~5% the literal `null`."""
    blank = np.asarray(blank, bool)
    if not blank.any():
        return arr
    ub = u[blank]
    repl = _pick(np.where(ub < 0.90, 0, np.where(ub < 0.95, 1, 2)), [None, "", "null"])
    return pc.replace_with_mask(arr, pa.array(blank), repl)


def _join(*parts, sep: str = "") -> pa.Array:
    return pc.binary_join_element_wise(*parts, sep)


# ---------------------------------------------------------------------------------------
# Randomness
# ---------------------------------------------------------------------------------------


def _splitmix(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        x = x + np.uint64(0x9E3779B97F4A7C15)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


class _Cosmetic:
    """Per-cell uniform numbers that depend only on (seed, tag, row index): rendering a
    row gives the same text whatever chunk or selection it is rendered in."""

    def __init__(self, seed: int):
        self.seed = seed

    def u(self, tag: str, idx: np.ndarray) -> np.ndarray:
        key = _splitmix(np.array([(self.seed & 0xFFFFFFFF) << 32 | zlib.crc32(tag.encode())], np.uint64))[0]
        h = _splitmix(np.asarray(idx, dtype=np.int64).astype(np.uint64) ^ key)
        return (h >> np.uint64(11)).astype(np.float64) * (1.0 / 2**53)


def _stream(seed: int, name: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


_TO_MONDAY = np.array([0, 0, 0, 0, 0, 2, 1], np.int64)  # by weekday, Monday = 0


def _bday(day: np.ndarray) -> np.ndarray:
    """Move Saturdays and Sundays to the next Monday (1970-01-01 was a Thursday)."""
    return day + _TO_MONDAY[(day + 3) % 7]


def _time_order(t: np.ndarray) -> np.ndarray:
    """Stable argsort of timestamps, via a plain sort of unique keys (fast, and the same
    result whatever sort algorithm numpy picks on this CPU)."""
    t = np.asarray(t, dtype=np.int64)
    if t.size == 0:
        return np.zeros(0, np.int64)
    bits = max(1, int(t.size - 1).bit_length())
    lo = t.min()
    if (int(t.max()) - int(lo)) >> (62 - bits):
        return np.argsort(t, kind="stable")
    key = ((t - lo) << bits) | np.arange(t.size, dtype=np.int64)
    key.sort()
    return key & ((1 << bits) - 1)


def _business_ts(day: np.ndarray, rng: np.random.Generator, max_day: int | None = None) -> np.ndarray:
    """A business-hours time (08:00-18:00 UTC, Monday-Friday) on or after `day`; with
    `max_day`, weekend days that would move past it go back to the Friday instead."""
    day = np.asarray(day, dtype=np.int64)
    out = _bday(day)
    if max_day is not None:
        dow = (day + 3) % 7
        back = day - np.where(dow == 5, 1, np.where(dow == 6, 2, 0))
        out = np.where(out > max_day, back, out)
    return out * DAY + rng.integers(8 * 3600, 18 * 3600, day.size)


# ---------------------------------------------------------------------------------------
# Name material
# ---------------------------------------------------------------------------------------
FIRST_NAMES = (
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard "
    "Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Lisa Matthew Nancy Anthony Sandra Mark "
    "Betty Steven Ashley Paul Emily Andrew Kimberly Joshua Donna Kevin Michelle Brian Carol José Zoë "
    "Björn Siobhán François Chloé Mateo Aiko Priya Wei"
).split()
LAST_NAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
    "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill "
    "Flores O'Brien Müller Schäfer Dubois Rossi Kowalski Novak Tanaka Patel Chen"
).split()
COMPANY_A = (
    "Acme Globex Initech Umbrella Stark Wayne Wonka Tyrell Cyberdyne Soylent Hooli Vandelay Dunder "
    "Aperture Gringotts Monarch Oscorp Nakatomi Prestige Sterling Zorg Vehement Kramerica Bluth "
    "Oceanic Weyland Northwind Contoso Fabrikam Tailspin"
).split()
COMPANY_B = (
    "Logistics Analytics Foods Health Energy Software Capital Retail Manufacturing Media Labs Systems "
    "Partners Holdings Robotics Biotech Telecom Airlines Insurance Motors"
).split()
COMPANY_C = ("Inc.", "GmbH", "Ltd", "Corp.", "SA", "LLC", "AG", "BV")
SPECIAL_ACCOUNT_NAMES = (
    "Smith, Jones & Partners LLC",
    'The "Blue Door" Company',
    "Müller & Söhne GmbH",
    "O'Reilly Freight, Inc.",
)
INDUSTRIES = (
    "Technology",
    "Finance",
    "Healthcare",
    "Manufacturing",
    "Retail",
    "Education",
    "Energy",
    "Media",
    "Transportation",
    "Government",
    "Hospitality",
    "Telecommunications",
)
LEAD_SOURCES = ("Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Trade Show", "Employee Referral", "External Referral", "Other")
LEAD_SOURCE_P = (0.30, 0.10, 0.15, 0.10, 0.15, 0.05, 0.10, 0.05)
DEAL_TYPES = ("New Business", "Existing Business", "Renewal")
PRODUCTS = ("Platform", "Analytics Add-on", "Enterprise Suite", "Starter Plan", "Data Connectors", "Premium Support")
LOSS_REASONS = ("Price", "Competitor", "No Decision", "Timing")


def _ascii(s: str) -> str:
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().replace("'", "").lower()


# ---------------------------------------------------------------------------------------
# Stages
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Stages:
    names: tuple[str, ...]  # open stages in order, then won, then lost
    probability: np.ndarray
    forecast: tuple[str, ...]

    @property
    def k(self) -> int:  # number of open stages; code k = won, k + 1 = lost
        return len(self.names) - 2


def load_stages(stages: tuple[tuple[str, int, str], ...] = DEMO_STAGES) -> Stages:
    """The sales process from (name, probability, forecast category) rows in order: open
    stages, then the won stage, then the lost stage (named Closed Won / Closed Lost)."""
    names = [name for name, _, _ in stages]
    if len(stages) < 6 or names[-2:] != ["Closed Won", "Closed Lost"]:
        raise ValueError("need >= 4 open stages, then Closed Won and Closed Lost")
    return Stages(
        names=tuple(names),
        probability=np.array([probability for _, probability, _ in stages], np.int64),
        forecast=tuple(forecast for _, _, forecast in stages),
    )


def _stage_variants(name: str) -> list[str]:
    """The normal spelling and four sloppy ones (lower, double space, upper, trailing)."""
    return [name, name.lower(), name.replace(" ", "  ", 1) if " " in name else name.lower(), name.upper(), name + " "]


# ---------------------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------------------
# History event kinds
CREATE, FWD, SKIP_M, SKIP_A, FWD_A, BACK, LOST_K, AMT, CD, STALL, REOPEN, END, AUTOCLOSE, PUSH = range(14)
_OPEN_KINDS = np.array([FWD, SKIP_M, SKIP_A, FWD_A, BACK, LOST_K, AMT, CD, STALL])
_OPEN_P = np.array([0.50, 0.035, 0.03, 0.03, 0.05, 0.14, 0.10, 0.10, 0.02])
# Actors of history rows / interactions, resolved to users after owner changes are known.
A_OWNER, A_MANAGER, A_INTEGRATION, A_AUTOPROC = range(4)
MAX_STEPS = 80


@dataclass
class _Model:
    seed: int
    n: int
    end_date: dt.date
    start_date: dt.date
    start_ts: int
    end_ts: int
    stages: Stages
    quarters: list[dt.date]  # first day of each calendar quarter in the window
    arrays: dict = field(default_factory=dict)


def _quarter_start(d: dt.date) -> dt.date:
    return dt.date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def _add_quarters(d: dt.date, q: int) -> dt.date:
    m = d.year * 12 + d.month - 1 + 3 * q
    return dt.date(m // 12, m % 12 + 1, 1)


def _build(n: int, seed: int, end_date: dt.date) -> _Model:
    last_q = _quarter_start(end_date)
    quarters = [_add_quarters(last_q, q) for q in range(-7, 1)]
    start = quarters[0]
    mdl = _Model(
        seed=seed,
        n=n,
        end_date=end_date,
        start_date=start,
        start_ts=_days(start) * DAY,
        end_ts=(_days(end_date) + 1) * DAY - 1,
        stages=load_stages(),
        quarters=quarters,
    )
    _build_users(mdl)
    _build_rates(mdl)
    _build_deals(mdl)
    _simulate_history(mdl)
    _build_owner_changes(mdl)
    _finish_history(mdl)
    _build_leads(mdl)
    _build_interactions(mdl)
    _build_accounts_final(mdl)
    _build_quotas(mdl)
    return mdl


# ----- users ------------------------------------------------------------------------------
def _build_users(mdl: _Model) -> None:
    rng = _stream(mdl.seed, "users")
    a = mdl.arrays
    n_reps = max(24, mdl.n // 500)
    n_teams = max(4, round(n_reps / 6))
    rep_team = (np.arange(n_reps) * n_teams) // n_reps
    n_users = 1 + n_teams + n_reps + 2
    kind = np.concatenate([[0], np.ones(n_teams, int), np.full(n_reps, 2), [3, 4]])  # vp mgr rep integ auto
    team = np.concatenate([[-1], np.arange(n_teams), rep_team, [-1, -1]])
    manager = np.concatenate([[-1], np.zeros(n_teams, int), 1 + rep_team, [-1, -1]])
    rep_uid = 1 + n_teams + np.arange(n_reps)
    n_inactive = max(2, n_reps // 40)
    inactive = np.sort(rng.choice(n_reps, n_inactive, replace=False))
    window = mdl.end_ts - mdl.start_ts
    departure = np.full(n_reps, np.iinfo(np.int64).max)
    dep_day = (mdl.start_ts + rng.uniform(0.35, 0.75, n_inactive) * window) // DAY
    departure[inactive] = _bday(dep_day.astype(np.int64)) * DAY + 9 * 3600
    active = np.ones(n_users, bool)
    active[rep_uid[inactive]] = False
    a.update(
        n_users=n_users,
        n_reps=n_reps,
        n_teams=n_teams,
        user_kind=kind,
        user_team=team,
        user_manager=manager,
        user_active=active,
        user_first=rng.integers(0, len(FIRST_NAMES), n_users),
        user_last=rng.integers(0, len(LAST_NAMES), n_users),
        rep_uid=rep_uid,
        rep_team=rep_team,
        rep_departure=departure,
        rep_weight=rng.lognormal(0, 0.35, n_reps),
        rep_skill=rng.lognormal(0, 0.25, n_reps),
        integration_uid=n_users - 2,
        autoproc_uid=n_users - 1,
    )
    # Active reps grouped by team, for picking a teammate
    act = np.flatnonzero(departure == np.iinfo(np.int64).max)
    order = act[np.argsort(rep_team[act], kind="stable")]
    a["team_active_reps"] = order
    counts = np.bincount(rep_team[order], minlength=n_teams)
    a["team_active_start"] = np.concatenate([[0], np.cumsum(counts)[:-1]])
    a["team_active_count"] = counts


def _teammate(mdl: _Model, rep: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """An active rep of the same team, different from `rep` when the team allows."""
    a = mdl.arrays
    team = a["rep_team"][rep]
    cnt = a["team_active_count"][team]
    start = a["team_active_start"][team]
    pick = rng.integers(0, np.iinfo(np.int64).max, rep.size) % np.maximum(cnt, 1)
    cand = a["team_active_reps"][np.minimum(start + pick, a["team_active_reps"].size - 1)]
    same = cand == rep
    pick2 = (pick + 1) % np.maximum(cnt, 1)
    cand = np.where(same, a["team_active_reps"][np.minimum(start + pick2, a["team_active_reps"].size - 1)], cand)
    none = cnt == 0  # whole team inactive (cannot happen with >= 6 reps per team): any active rep
    if none.any():
        pool = a["team_active_reps"]
        cand[none] = pool[rng.integers(0, pool.size, none.sum())]
    return cand


# ----- conversion rates -------------------------------------------------------------------
def _build_rates(mdl: _Model) -> None:
    rng = _stream(mdl.seed, "rates")
    walk = np.cumsum(rng.normal(0, 0.006, len(mdl.quarters)))
    walk -= walk.mean()
    walk *= min(1.0, 0.02 / max(np.abs(walk).max(), 1e-9))
    rates = (0.925 + walk).round(6)  # within 0.905-0.945
    mdl.arrays["eur_rate"] = rates  # EUR per 1 USD, per quarter of the window


def _quarter_index(mdl: _Model, ts: np.ndarray) -> np.ndarray:
    q_starts = np.array([_days(q) * DAY for q in mdl.quarters], np.int64)
    return np.clip(np.searchsorted(q_starts, ts, side="right") - 1, 0, len(q_starts) - 1)


# ----- deals ------------------------------------------------------------------------------
def _build_deals(mdl: _Model) -> None:
    rng = _stream(mdl.seed, "deals")
    a, n = mdl.arrays, mdl.n
    n_acc = max(8, n // 3)
    # creation times: growing volume over the window, business hours, sorted (ids follow)
    span_days = (mdl.end_ts - mdl.start_ts) // DAY - 3
    day = mdl.start_ts // DAY + np.floor(rng.random(n) ** 0.85 * span_days).astype(np.int64)
    created = np.sort(_business_ts(day, rng, max_day=mdl.end_ts // DAY - 3))
    # accounts: skewed (some accounts get many deals), randomly labelled
    acc_perm = rng.permutation(n_acc)
    account = acc_perm[np.minimum((rng.random(n) ** 1.6 * n_acc).astype(np.int64), n_acc - 1)]
    # type: first deal on an account is New Business, later ones mostly expansion/renewal
    order = np.lexsort((np.arange(n), account))
    first = np.ones(n, bool)
    first[order[1:]] = account[order[1:]] != account[order[:-1]]
    later_type = rng.choice(3, n, p=[0.10, 0.55, 0.35])
    dtype_ = np.where(first, 0, later_type)
    # owners: the account's home rep mostly, else any rep; reps who left get no new deals
    home = rng.choice(a["n_reps"], n_acc, p=a["rep_weight"] / a["rep_weight"].sum())
    owner = np.where(rng.random(n) < 0.8, home[account], rng.choice(a["n_reps"], n, p=a["rep_weight"] / a["rep_weight"].sum()))
    gone = created > a["rep_departure"][owner] - 14 * DAY
    owner[gone] = _teammate(mdl, owner[gone], rng)
    # currency per account, amount lognormal by type (EUR deals priced in EUR)
    acc_eur = rng.random(n_acc) < 0.15
    eur = acc_eur[account]
    median = np.array([30_000, 15_000, 22_000])[dtype_]
    usd = rng.lognormal(np.log(median), 0.7)
    rate = np.where(eur, a["eur_rate"][_quarter_index(mdl, created)], 1.0)
    amount = np.maximum(np.round(usd * rate / 100), 10).astype(np.int64) * 10_000  # cents, whole hundreds
    # creation stage: mostly the first stage, some directly in the 3rd or 4th
    u = rng.random(n)
    stage0 = np.where(u < 0.93, 0, np.where(u < 0.965, 2, 3)).astype(np.int64)
    close0 = created // DAY + np.round(rng.lognormal(np.log(np.array([50, 40, 30])[dtype_]), 0.4)).astype(np.int64)
    lost_mult = rng.lognormal(0, 0.35, n) * np.array([1.1, 0.8, 0.5])[dtype_] / a["rep_skill"][owner]
    a.update(
        n_acc=n_acc,
        acc_eur=acc_eur,
        acc_home=home,
        deal_created=created,
        deal_account=account,
        deal_type=dtype_,
        deal_owner0=owner,
        deal_eur=eur,
        deal_amount0=amount,
        deal_stage0=stage0,
        deal_close0=close0,
        deal_lost_mult=lost_mult,
        deal_lead_source=rng.choice(len(LEAD_SOURCES), n, p=LEAD_SOURCE_P),
        deal_product=rng.integers(0, len(PRODUCTS), n),
    )


def _simulate_history(mdl: _Model) -> None:
    """Lock-step simulation over all deals: each step draws one saved change per live
    deal (vectorised); loops only over steps."""
    rng = _stream(mdl.seed, "history")
    a, n, st = mdl.arrays, mdl.n, mdl.stages
    K = st.k
    WON, LOST = K, K + 1
    stage = a["deal_stage0"].copy()
    t = a["deal_created"].copy()
    amount = a["deal_amount0"].copy()
    close = a["deal_close0"].copy()
    alive = np.ones(n, bool)
    reopened = np.zeros(n, bool)
    stalled = np.zeros(n, bool)
    burst = np.zeros(n, np.int64)
    last_open = stage.copy()
    out = {k: [] for k in ("deal", "t", "stage", "amount", "close", "actor", "step", "kind")}

    def emit(idx, step, kind, actor):
        out["deal"].append(idx)
        out["t"].append(t[idx].copy())
        out["stage"].append(stage[idx].copy())
        out["amount"].append(amount[idx].copy())
        out["close"].append(close[idx].copy())
        out["actor"].append(np.asarray(actor, np.int64) * np.ones(idx.size, np.int64))
        out["step"].append(np.full(idx.size, step, np.int64))
        out["kind"].append(np.asarray(kind, np.int64) * np.ones(idx.size, np.int64))

    all_idx = np.arange(n)
    emit(all_idx, 0, CREATE, np.where(rng.random(n) < 0.05, A_INTEGRATION, A_OWNER))
    lost_factor = np.linspace(1.3, 0.7, K)
    median_gap = np.linspace(9, 16, K)
    for step in range(1, MAX_STEPS):
        idx = np.flatnonzero(alive)
        if idx.size == 0:
            break
        m = idx.size
        s = stage[idx]
        is_open = s < WON
        in_burst = burst[idx] > 0
        kind = np.full(m, END, np.int64)
        # open deals: categorical draw with per-deal / per-stage weights
        p = np.tile(_OPEN_P, (m, 1))
        so = np.minimum(s, K - 1)
        p[:, 5] *= a["deal_lost_mult"][idx] * lost_factor[so]
        p[s == 0, 4] = 0.0  # no backward move from the first stage
        last = s == K - 1  # from the last open stage, skips and automated moves become the close
        p[last, 0] += p[last, 1] + p[last, 2] + p[last, 3]
        p[last, 1:4] = 0.0
        p /= p.sum(axis=1, keepdims=True)
        draw = _OPEN_KINDS[(rng.random(m)[:, None] > np.cumsum(p, axis=1)).sum(axis=1).clip(0, len(_OPEN_KINDS) - 1)]
        kind = np.where(is_open, np.where(in_burst, FWD, draw), kind)
        # closed deals: lost deals are sometimes reopened once, otherwise the story ends
        reopen = (s == LOST) & ~reopened[idx] & (rng.random(m) < 0.07)
        kind = np.where(reopen, REOPEN, kind)
        # time of the change
        gap_days = np.floor(rng.lognormal(np.log(median_gap[so]), 0.8)).astype(np.int64)
        gap_days = np.where(kind == REOPEN, rng.integers(7, 60, m), gap_days)
        new_t = _business_ts(t[idx] // DAY + gap_days, rng)
        new_t = np.where(new_t <= t[idx], t[idx] + rng.integers(300, 7200, m), new_t)
        new_t = np.where(in_burst, t[idx] + rng.integers(20, 240, m), new_t)
        same_ts = (kind == AMT) & (rng.random(m) < 0.2)
        new_t = np.where(same_ts, t[idx], new_t)
        # a close date in the past gets pushed (most of the time) instead of another change
        movable = np.isin(kind, [FWD, SKIP_M, SKIP_A, FWD_A, BACK, AMT, CD]) & ~in_burst & ~same_ts
        forced_push = movable & (new_t // DAY > close[idx]) & (rng.random(m) < 0.7)
        forced_push &= ~((kind == FWD) & (s == K - 1))
        kind = np.where(forced_push, PUSH, kind)
        # ends: past the export date, stalls, closed deals
        past_end = new_t > mdl.end_ts
        stop = past_end | (kind == STALL) | (kind == END)
        stalled[idx[(kind == STALL) & ~past_end]] = True
        alive[idx[stop]] = False
        keep = ~stop
        idx, s, kind, new_t, in_burst, same_ts = idx[keep], s[keep], kind[keep], new_t[keep], in_burst[keep], same_ts[keep]
        m = idx.size
        if m == 0:
            continue
        # new stage
        skip_to = np.minimum(s + 2 + (rng.random(m) < 0.35), WON)
        new_stage = s.copy()
        new_stage = np.where((kind == FWD) | (kind == FWD_A), s + 1, new_stage)
        new_stage = np.where((kind == SKIP_M) | (kind == SKIP_A), skip_to, new_stage)
        new_stage = np.where(kind == BACK, s - 1, new_stage)
        new_stage = np.where(kind == LOST_K, LOST, new_stage)
        new_stage = np.where(kind == REOPEN, last_open[idx], new_stage)
        changed = new_stage != s
        closes = changed & (new_stage >= WON)
        # close date
        day = new_t // DAY
        cl = close[idx]
        push_by = rng.integers(7, 60, m)
        pull_by = rng.integers(7, 30, m)
        cd_push = (kind == CD) & (rng.random(m) < 0.8)
        cd_pull = (kind == CD) & ~cd_push
        cl = np.where(cd_push, cl + push_by, cl)
        pulled = np.maximum(day + 1, cl - pull_by)
        cl = np.where(cd_pull, np.where(pulled < cl, pulled, cl + push_by), cl)
        cl = np.where(kind == PUSH, np.maximum(cl, day) + rng.integers(7, 45, m), cl)
        cl = np.where(changed & ~closes & (kind != REOPEN) & (rng.random(m) < 0.1), cl + push_by, cl)
        cl = np.where(closes & (rng.random(m) < 0.96), day, cl)
        cl = np.where(kind == REOPEN, day + rng.integers(20, 60, m), cl)
        # amount
        amt = amount[idx]
        factor = np.exp(rng.normal(0, 0.15, m))
        amt_change = (kind == AMT) | (changed & ~closes & (rng.random(m) < 0.08))
        amt = np.where(amt_change, np.maximum(np.round(amt * factor / 10_000), 1).astype(np.int64) * 10_000, amt)
        won_adj = closes & (new_stage == WON) & (rng.random(m) < 0.3)
        amt = np.where(won_adj, np.maximum(np.round(amt * rng.uniform(0.85, 1.05, m) / 10_000), 1).astype(np.int64) * 10_000, amt)
        # who
        actor = np.where(rng.random(m) < 0.04, A_MANAGER, A_OWNER)
        actor = np.where(in_burst, A_OWNER, actor)
        actor = np.where((kind == SKIP_A) | (kind == FWD_A) | same_ts, A_INTEGRATION, actor)
        # batch logging: a rep enters 2-4 stage changes within minutes
        manual_move = ((kind == FWD) | (kind == SKIP_M)) & (actor == A_OWNER) & (new_stage < WON)
        start_burst = manual_move & ~in_burst & (rng.random(m) < 0.06)
        b = burst[idx]
        b = np.where(in_burst, b - 1, b)
        b = np.where(start_burst, rng.integers(1, 4, m), b)
        b = np.where(new_stage >= WON, 0, b)
        # apply
        stage[idx] = new_stage
        t[idx] = new_t
        close[idx] = cl
        amount[idx] = amt
        burst[idx] = b
        reopened[idx] |= kind == REOPEN
        op = new_stage < WON
        last_open[idx[op]] = new_stage[op]
        emit(idx, step, kind, actor)
    # the Automated Process user closes some long-stalled deals as lost
    stall_idx = np.flatnonzero(stalled)
    u = rng.random(stall_idx.size)
    ac_t = _business_ts(t[stall_idx] // DAY + rng.integers(100, 200, stall_idx.size), rng)
    ac = stall_idx[(u < 0.35) & (ac_t <= mdl.end_ts)]
    a["deal_stall_t"] = np.where(stalled, t, np.iinfo(np.int64).max)
    if ac.size:
        t[ac] = ac_t[(u < 0.35) & (ac_t <= mdl.end_ts)]
        stage[ac] = LOST
        close[ac] = t[ac] // DAY
        emit(ac, MAX_STEPS, AUTOCLOSE, A_AUTOPROC)
    autoclosed = np.zeros(n, bool)
    autoclosed[ac] = True
    h = {k: np.concatenate(v) for k, v in out.items()}
    a["hist_raw"] = h
    a["deal_reopened"] = reopened
    a["deal_stalled"] = stalled
    a["deal_autoclosed"] = autoclosed
    a["deal_alive_at_end"] = alive


def _build_owner_changes(mdl: _Model) -> None:
    rng = _stream(mdl.seed, "owners")
    a, n = mdl.arrays, mdl.n
    h = a["hist_raw"]
    K = mdl.stages.k
    last_t = np.zeros(n, np.int64)
    np.maximum.at(last_t, h["deal"], h["t"])
    final_stage = np.zeros(n, np.int64)
    last_step = np.full(n, -1, np.int64)
    np.maximum.at(last_step, h["deal"], h["step"])
    is_last = h["step"] == last_step[h["deal"]]
    final_stage[h["deal"][is_last]] = h["stage"][is_last]
    is_closed = final_stage >= K
    life_end = np.where(is_closed, last_t, mdl.end_ts)
    owner0 = a["deal_owner0"]
    created = a["deal_created"]
    never = np.iinfo(np.int64).max
    chg_t = np.full(n, never, np.int64)
    # deals of reps who left are reassigned on the departure day
    dep = a["rep_departure"][owner0]
    leaver = (dep < never) & (life_end > dep) & (dep > created)
    chg_t[leaver] = dep[leaver]
    # ~4% more change hands during their life
    span = life_end - created
    cand = ~leaver & (span > 10 * DAY) & (rng.random(n) < 0.045)
    at = created + (rng.uniform(0.2, 0.8, n) * span).astype(np.int64)
    at = np.minimum(np.maximum(_business_ts(at // DAY, rng), created + 3600), life_end - 60)
    chg_t[cand] = at[cand]
    changes = chg_t < never
    owner1 = owner0.copy()
    owner1[changes] = _teammate(mdl, owner0[changes], rng)
    a.update(deal_chg_t=chg_t, deal_owner1=owner1, deal_final_stage=final_stage, deal_last_t=last_t, deal_life_end=life_end)


def _owner_at(mdl: _Model, deal: np.ndarray, ts: np.ndarray) -> np.ndarray:
    """Rep index owning `deal` at time `ts`."""
    a = mdl.arrays
    return np.where(ts >= a["deal_chg_t"][deal], a["deal_owner1"][deal], a["deal_owner0"][deal])


def _resolve_actor(mdl: _Model, actor: np.ndarray, deal: np.ndarray, ts: np.ndarray) -> np.ndarray:
    a = mdl.arrays
    rep = _owner_at(mdl, deal, ts)
    uid = a["rep_uid"][rep]
    uid = np.where(actor == A_MANAGER, a["user_manager"][uid], uid)
    uid = np.where(actor == A_INTEGRATION, a["integration_uid"], uid)
    return np.where(actor == A_AUTOPROC, a["autoproc_uid"], uid)


def _finish_history(mdl: _Model) -> None:
    rng = _stream(mdl.seed, "history-finish")
    a = mdl.arrays
    h = a.pop("hist_raw")
    order = np.lexsort((h["step"], h["deal"], h["t"]))  # ids follow time; ties keep change order
    h = {k: v[order] for k, v in h.items()}
    h["user"] = _resolve_actor(mdl, h["actor"], h["deal"], h["t"])
    last_step = np.full(mdl.n, -1, np.int64)
    np.maximum.at(last_step, h["deal"], h["step"])
    h["is_last"] = h["step"] == last_step[h["deal"]]
    # sloppy stage spellings on a few non-final rows
    u = rng.random(h["t"].size)
    h["variant"] = np.where((u < 0.015) & ~h["is_last"], 1 + (u * 1e6).astype(np.int64) % 4, 0)
    # previous row of the same deal (for close-date field history)
    by_deal = np.lexsort((h["step"], h["deal"]))
    prev = np.full(h["t"].size, -1, np.int64)
    same = h["deal"][by_deal[1:]] == h["deal"][by_deal[:-1]]
    prev[by_deal[1:][same]] = by_deal[:-1][same]
    h["prev"] = prev
    a["hist"] = h
    # current state of each deal = its last history row
    last_rows = np.flatnonzero(h["is_last"])
    last_rows = last_rows[np.argsort(h["deal"][last_rows])]
    a["deal_stage"] = h["stage"][last_rows]
    a["deal_amount"] = h["amount"][last_rows]
    a["deal_close"] = h["close"][last_rows]
    n = mdl.n
    K = mdl.stages.k
    lost = a["deal_stage"] == K + 1
    reason = rng.choice(len(LOSS_REASONS) + 1, n, p=[0.25, 0.25, 0.25, 0.15, 0.10])
    reason = np.where(a["deal_autoclosed"], 2, reason)
    a["deal_loss_reason"] = np.where(lost, reason, len(LOSS_REASONS))  # == blank
    # field history: close-date changes (one per history row that changed it) and owner changes
    cd_rows = np.flatnonzero((prev >= 0) & (h["close"] != h["close"][np.maximum(prev, 0)]))
    chg = np.flatnonzero(a["deal_chg_t"] < np.iinfo(np.int64).max)
    chg_by = np.where(
        rng.random(chg.size) < 0.8,
        a["user_manager"][a["rep_uid"][a["deal_owner0"][chg]]],
        0,  # the VP
    )
    f_t = np.concatenate([h["t"][cd_rows], a["deal_chg_t"][chg]])
    f = {
        "deal": np.concatenate([h["deal"][cd_rows], chg]),
        "t": f_t,
        "user": np.concatenate([h["user"][cd_rows], chg_by]),
        "is_owner": np.concatenate([np.zeros(cd_rows.size, bool), np.ones(chg.size, bool)]),
        "old": np.concatenate([h["close"][prev[cd_rows]], a["rep_uid"][a["deal_owner0"][chg]]]),
        "new": np.concatenate([h["close"][cd_rows], a["rep_uid"][a["deal_owner1"][chg]]]),
        "tie": np.concatenate([cd_rows, h["t"].size + np.arange(chg.size)]),
    }
    o = np.lexsort((f["tie"], f["t"]))
    a["fh"] = {k: v[o] for k, v in f.items()}


# ----- leads ------------------------------------------------------------------------------
def _n_leads(n: int) -> int:
    """~opportunities / 2 at demo scale, ~opportunities / 5 at large scale."""
    return max(n // 5, min(n // 2, 5000))


def _build_leads(mdl: _Model) -> None:
    rng = _stream(mdl.seed, "leads")
    a, n = mdl.arrays, mdl.n
    n_leads = _n_leads(n)
    created_d = a["deal_created"]
    # converted leads: the first deal of an account, created from the lead
    pool = np.flatnonzero((a["deal_type"] == 0) & (created_d > mdl.start_ts + 20 * DAY))
    n_conv = min(int(round(0.25 * n_leads)), pool.size)
    conv_deal = np.sort(rng.choice(pool, n_conv, replace=False))
    n_open = n_leads - n_conv
    lag = np.maximum(np.round(rng.lognormal(np.log(10), 0.8, n_conv)), 1).astype(np.int64)
    c_created = _business_ts(created_d[conv_deal] // DAY - lag, rng)
    too_late = c_created > created_d[conv_deal] - 3600  # a weekend moved it past the deal
    c_created = np.where(too_late, created_d[conv_deal] - rng.integers(3600, 3 * DAY, n_conv), c_created)
    span_days = (mdl.end_ts - mdl.start_ts) // DAY
    o_created = _business_ts(mdl.start_ts // DAY + rng.integers(0, span_days, n_open), rng, max_day=mdl.end_ts // DAY)
    created = np.concatenate([c_created, o_created])
    deal = np.concatenate([conv_deal, np.full(n_open, -1)])
    w = a["rep_weight"] / a["rep_weight"].sum()
    owner = np.concatenate([a["deal_owner0"][conv_deal], rng.choice(a["n_reps"], n_open, p=w)])
    gone = created > a["rep_departure"][owner] - 7 * DAY
    owner[gone] = _teammate(mdl, owner[gone], rng)
    source = np.concatenate([a["deal_lead_source"][conv_deal], rng.choice(len(LEAD_SOURCES), n_open, p=LEAD_SOURCE_P)])
    order = np.argsort(created, kind="stable")
    created, deal, owner, source = created[order], deal[order], owner[order], source[order]
    converted = deal >= 0
    # response: ~10% of leads are never touched; the rest get a first task minutes to days later
    untouched = ~converted & (rng.random(n_leads) < 0.10 / max(1e-9, 1 - n_conv / n_leads))
    delay = np.minimum(rng.lognormal(np.log(90 * 60), 1.8, n_leads), 10 * DAY).astype(np.int64) + 60
    conv_t = np.where(converted, created_d[np.maximum(deal, 0)], np.iinfo(np.int64).max)
    first_touch = np.minimum(created + delay, conv_t - 1800)
    first_touch = np.maximum(first_touch, created + 60)
    touched = ~untouched & (first_touch <= mdl.end_ts)
    recent = created > mdl.end_ts - 60 * DAY
    status = np.where(
        converted, 3, np.where(~touched, 0, np.where(recent | (rng.random(n_leads) < 0.3), 1, 2))
    )  # Open - Not Contacted, Working - Contacted, Closed - Not Converted, Closed - Converted
    a.update(
        n_leads=n_leads,
        lead_created=created,
        lead_deal=deal,
        lead_owner=owner,
        lead_source=source,
        lead_converted=converted,
        lead_conv_t=conv_t,
        lead_touched=touched,
        lead_first_touch=first_touch,
        lead_status=status,
        lead_first=rng.integers(0, len(FIRST_NAMES), n_leads),
        lead_last=rng.integers(0, len(LAST_NAMES), n_leads),
        lead_company=np.where(converted, a["deal_account"][np.maximum(deal, 0)], rng.integers(0, 1 << 30, n_leads)),
        lead_phone=rng.integers(0, 10_000_000, n_leads),
    )


# ----- interactions -----------------------------------------------------------------------
CH_CALL, CH_EMAIL, CH_TMEET, CH_OTHER, CH_MEET, CH_DEMO = range(6)
P_DEAL_CHANNEL = [0.33, 0.38, 0.03, 0.06, 0.13, 0.07]
P_LEAD_CHANNEL = [0.48, 0.44, 0.0, 0.03, 0.05, 0.0]


def _build_interactions(mdl: _Model) -> None:
    rng = _stream(mdl.seed, "interactions")
    a, n, h = mdl.arrays, mdl.n, mdl.arrays["hist"]
    K = mdl.stages.k
    created = a["deal_created"]
    final = a["deal_final_stage"]
    # activity span: creation to final close; stalled deals go quiet when they stall
    act_end = np.where(final >= K, a["deal_last_t"], mdl.end_ts)
    act_end = np.minimum(act_end, a["deal_stall_t"])
    act_end = np.maximum(act_end, created + 3600)
    span_days = (act_end - created) / DAY
    rate = np.where(final == K, 0.26, np.where(final == K + 1, 0.15, 0.22))
    rate = np.where(a["deal_stalled"], 0.10, rate) * np.exp(rng.normal(0, 0.3, n))
    cnt = rng.poisson(rate * span_days)
    d_deal = np.repeat(np.arange(n), cnt)
    d_t = created[d_deal] + (rng.random(d_deal.size) * (act_end - created)[d_deal]).astype(np.int64)
    # more activity right before a deal moves forward
    adv = np.flatnonzero((h["stage"] > h["stage"][np.maximum(h["prev"], 0)]) & (h["prev"] >= 0) & (h["stage"] <= K))
    bonus = rng.poisson(1.5, adv.size)
    b_row = np.repeat(adv, bonus)
    b_deal = h["deal"][b_row]
    b_t = h["t"][b_row] - (rng.random(b_row.size) * 10 * DAY).astype(np.int64)
    deal_i = np.concatenate([d_deal, b_deal])
    deal_t = np.concatenate([d_t, b_t])
    deal_t = _business_ts(deal_t // DAY, rng, max_day=mdl.end_ts // DAY)
    deal_t = np.clip(deal_t, created[deal_i] + 60, act_end[deal_i])
    # lead interactions: first touch, then follow-ups until conversion or the end
    touched = np.flatnonzero(a["lead_touched"])
    follow = rng.poisson(1.5, touched.size)
    f_lead = np.repeat(touched, follow)
    f_t = a["lead_first_touch"][f_lead] + rng.integers(3600, 20 * DAY, f_lead.size)
    ok = f_t < np.minimum(a["lead_conv_t"][f_lead], mdl.end_ts)
    lead_i = np.concatenate([touched, f_lead[ok]])
    lead_t = np.concatenate([a["lead_first_touch"][touched], f_t[ok]])
    lead_first = np.concatenate([np.ones(touched.size, bool), np.zeros(ok.sum(), bool)])
    # account-only interactions: during an open deal of the account, or anywhere
    n_ad = int(0.8 * n)
    ad_deal = rng.integers(0, n, n_ad)
    ad_t = created[ad_deal] + (rng.random(n_ad) * (act_end - created)[ad_deal]).astype(np.int64)
    n_aa = int(0.6 * n)
    aa_acc = rng.integers(0, a["n_acc"], n_aa)
    aa_t = _business_ts(mdl.start_ts // DAY + rng.integers(0, (mdl.end_ts - mdl.start_ts) // DAY, n_aa), rng, max_day=mdl.end_ts // DAY)
    acc_i = np.concatenate([a["deal_account"][ad_deal], aa_acc])
    acc_t = np.concatenate([ad_t, aa_t])
    acc_deal = np.concatenate([ad_deal, np.full(n_aa, -1)])

    # one table of all interactions: parent kind 0 = deal, 1 = lead, 2 = account
    never = np.iinfo(np.int64).min
    n_d, n_l, n_a = deal_i.size, lead_i.size, acc_i.size
    m = n_d + n_l + n_a
    # owner: the deal owner at the time (or the lead / account owner); sometimes a colleague
    rep = np.concatenate(
        [
            _owner_at(mdl, deal_i, deal_t),
            a["lead_owner"][lead_i],
            np.where(acc_deal >= 0, _owner_at(mdl, np.maximum(acc_deal, 0), acc_t), a["acc_home"][acc_i]),
        ]
    ).astype(np.int32)
    ts = np.concatenate([deal_t, lead_t, acc_t])
    parent_created = np.concatenate([created[deal_i], a["lead_created"][lead_i], np.full(n_a, never)])
    account = np.concatenate([a["deal_account"][deal_i], np.full(n_l, -1), acc_i]).astype(np.int32)
    parent = np.concatenate([deal_i, lead_i, acc_i]).astype(np.int32)
    del deal_t, lead_t, acc_t, deal_i, acc_i, acc_deal
    pkind = np.repeat(np.array([0, 1, 2], np.int8), [n_d, n_l, n_a])
    first_touch = np.zeros(m, bool)
    first_touch[n_d : n_d + n_l] = lead_first
    channel = np.empty(m, np.int8)
    channel[:n_d] = rng.choice(6, n_d, p=P_DEAL_CHANNEL)
    channel[n_d : n_d + n_l] = rng.choice(6, n_l, p=P_LEAD_CHANNEL)
    channel[n_d + n_l :] = rng.choice(6, n_a, p=P_DEAL_CHANNEL)
    ft = np.flatnonzero(first_touch)
    channel[ft] = np.where(rng.random(ft.size) < 0.55, CH_CALL, CH_EMAIL)
    gone = np.flatnonzero(ts > a["rep_departure"][rep])
    rep[gone] = _teammate(mdl, rep[gone], rng)
    uid = a["rep_uid"][rep].astype(np.int32)
    col = np.flatnonzero((rng.random(m) < 0.08) & ~first_touch)
    uid[col] = np.where(rng.random(col.size) < 0.5, a["user_manager"][uid[col]], a["rep_uid"][_teammate(mdl, rep[col], rng)])
    del rep, gone, col
    # contact (WhoId) for deal / account interactions: one of ~4 contacts per account
    who = np.where(rng.random(m) < 0.8, account * 4 + rng.integers(0, 4, m, dtype=np.int32), -1).astype(np.int32)
    who[pkind == 1] = -1

    def take(idx, order):
        sel = idx[order]
        return {"pkind": pkind[sel], "parent": parent[sel], "account": account[sel], "who": who[sel], "owner": uid[sel], "channel": channel[sel]}

    # tasks: created ~ when done (a few logged later, none before the parent), calls with a
    # duration, a few still open
    t_idx = np.flatnonzero(channel < CH_MEET)
    tm = t_idx.size
    t_done = ts[t_idx]
    t_created = t_done - rng.integers(0, 900, tm)
    later = rng.random(tm) < 0.10
    t_created = np.where(later, np.minimum(t_done + rng.integers(60, 7200, tm), np.maximum(t_done, mdl.end_ts - 600)), t_created)
    t_created = np.minimum(np.maximum(t_created, parent_created[t_idx]), np.maximum(t_done, t_created))
    t_open = (rng.random(tm) < 0.03) & ~first_touch[t_idx]
    duration = np.maximum(rng.lognormal(np.log(300), 0.9, tm), 15).astype(np.int32)
    due = rng.integers(1, 14, tm, dtype=np.int8)
    o = _time_order(t_created)
    task = take(t_idx, o)
    task.update(done=t_done[o], created=t_created[o], open=t_open[o], due_days=due[o], duration=duration[o])
    a["task"] = task
    del t_idx, t_done, t_created, later, t_open, duration, due, o
    # events: scheduled in advance, 30/45/60 minutes, all in the past
    e_idx = np.flatnonzero(channel >= CH_MEET)
    em = e_idx.size
    start = np.minimum(ts[e_idx], mdl.end_ts - 3600)
    e_created = start - rng.integers(2 * 3600, 7 * DAY, em)
    e_created = np.minimum(np.maximum(e_created, parent_created[e_idx]), start)
    length = rng.choice(np.array([1800, 2700, 3600]), em)
    o = _time_order(e_created)
    event = take(e_idx, o)
    event.update(start=start[o], end=start[o] + length[o], created=e_created[o])
    a["event"] = event


def _build_accounts_final(mdl: _Model) -> None:
    rng = _stream(mdl.seed, "accounts")
    a = mdl.arrays
    n_acc = a["n_acc"]
    K = mdl.stages.k
    first_deal = np.full(n_acc, np.iinfo(np.int64).max)
    np.minimum.at(first_deal, a["deal_account"], a["deal_created"])
    has_deal = first_deal < np.iinfo(np.int64).max
    lead_days = rng.integers(1, 400, n_acc)
    span_days = (mdl.end_ts - mdl.start_ts) // DAY
    created = np.where(
        has_deal,
        _business_ts(first_deal // DAY - lead_days, rng),
        _business_ts(mdl.start_ts // DAY - 365 + rng.integers(0, span_days + 300, n_acc), rng),
    )
    created = np.minimum(np.minimum(created, first_deal - 3600), mdl.end_ts - DAY)
    won = np.zeros(n_acc, bool)
    won[a["deal_account"][a["deal_stage"] == K]] = True
    u = rng.random(n_acc)
    owner = a["acc_home"].copy()
    gone = a["rep_departure"][owner] < np.iinfo(np.int64).max
    owner[gone] = _teammate(mdl, owner[gone], rng)
    a.update(
        acc_created=created,
        acc_owner=owner,
        acc_type=np.where(u < 0.03, 2, np.where(won, 1, 0)),  # Prospect, Customer, Partner
        acc_industry=np.where(rng.random(n_acc) < 0.08, len(INDUSTRIES), rng.integers(0, len(INDUSTRIES), n_acc)),
        acc_name_a=rng.integers(0, len(COMPANY_A), n_acc),
        acc_name_b=rng.integers(0, len(COMPANY_B), n_acc),
        acc_name_c=rng.integers(0, len(COMPANY_C), n_acc),
        acc_special=np.sort(rng.choice(n_acc, min(len(SPECIAL_ACCOUNT_NAMES), n_acc), replace=False)),
    )


def _build_quotas(mdl: _Model) -> None:
    rng = _stream(mdl.seed, "quotas")
    a = mdl.arrays
    K = mdl.stages.k
    n_reps, nq = a["n_reps"], len(mdl.quarters)
    q_start = np.array([_days(q) * DAY for q in mdl.quarters], np.int64)
    # reps carry a quota for every quarter that starts before they leave
    has = q_start[None, :] < a["rep_departure"][:, None]
    won = a["deal_stage"] == K
    usd = a["deal_amount"] / np.where(a["deal_eur"], a["eur_rate"][_quarter_index(mdl, a["deal_close"] * DAY)], 1.0)
    per_rep_q = usd[won].sum() / 100 / max(1, has.sum())
    growth = 1.03 ** np.arange(nq)
    noise = rng.lognormal(0, 0.15, n_reps)
    quota = np.round(per_rep_q * 1.25 * growth[None, :] * noise[:, None] / 1000) * 1000
    quota = np.maximum(quota, 5000)
    rep, q = np.nonzero(has)
    a["quota"] = {"rep": rep, "q": q, "amount_cents": (quota[rep, q] * 100).astype(np.int64)}


# ---------------------------------------------------------------------------------------
# Rendering: numeric model -> string columns, per object
# ---------------------------------------------------------------------------------------
# Contract columns the generated export leaves out: the system stamps. It is a Data Loader
# extract of the business fields, as many users take them, so its export clock comes from
# record creations (stg_salesforce__export_clock); the stamped case has its own fixtures.
NOT_GENERATED = frozenset({"LastModifiedDate", "SystemModstamp"})


def header(object_name: str) -> list[str]:
    """The file header of an object: the contract's API names (but NOT_GENERATED), then the
    extra (personal) columns an export carries."""
    cols = [c.api_name_for(None) for c in load_spec()[object_name].columns if c.api_name_for(None) not in NOT_GENERATED]
    keys = {match_key(c) for c in cols}
    return cols + [c for c in EXTRA_COLUMNS.get(object_name, ()) if match_key(c) not in keys]


def _names(first: np.ndarray, last: np.ndarray) -> tuple[pa.Array, pa.Array, pa.Array]:
    f = _pick(first, FIRST_NAMES)
    l_ = _pick(last, LAST_NAMES)
    return f, l_, _join(f, l_, sep=" ")


def _emails(first: np.ndarray, last: np.ndarray, domain: pa.Array | str) -> pa.Array:
    f = _pick(first, [_ascii(x) for x in FIRST_NAMES])
    l_ = _pick(last, [_ascii(x) for x in LAST_NAMES])
    return _join(_join(f, l_, sep="."), domain, sep="@")


def _account_names(mdl: _Model, acc: np.ndarray) -> pa.Array:
    a = mdl.arrays
    out = _join(
        _pick(a["acc_name_a"][acc], COMPANY_A),
        _pick(a["acc_name_b"][acc], COMPANY_B),
        _pick(a["acc_name_c"][acc], COMPANY_C),
        sep=" ",
    )
    special = a["acc_special"]
    pos = np.searchsorted(special, acc)
    hit = (pos < special.size) & (special[np.minimum(pos, special.size - 1)] == acc)
    if hit.any():
        out = pc.replace_with_mask(out, pa.array(hit), _pick(pos[hit], SPECIAL_ACCOUNT_NAMES))
    return out


class _Renderer:
    def __init__(self, mdl: _Model):
        self.m = mdl
        self.a = mdl.arrays
        self.cos = _Cosmetic(mdl.seed)
        self._idm_cache: dict[str, np.ndarray] = {}

    def idm(self, obj: str, seq: np.ndarray) -> np.ndarray:
        """18-char id matrix of referenced records (cached per object)."""
        cache = self._idm_cache.get(obj)
        if cache is None:
            a = self.a
            size = {"User": a["n_users"], "Account": a["n_acc"], "Opportunity": self.m.n, "Lead": a["n_leads"], "Contact": 4 * a["n_acc"]}[obj]
            cache = self._idm_cache[obj] = _to_18_matrix(_id15_matrix(KEY_PREFIX[obj], np.arange(size)))
        return cache[np.asarray(seq, dtype=np.int64)]

    def ref(self, obj: str, seq: np.ndarray, short: np.ndarray | None = None, valid: np.ndarray | None = None) -> pa.Array:
        return _ids_from_matrix(self.idm(obj, seq), short, valid)

    def u(self, obj: str, col: str, idx: np.ndarray) -> np.ndarray:
        return self.cos.u(f"{obj}.{col}", idx)

    def user_id(self, uid: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
        return self.ref("User", np.maximum(uid, 0), valid=valid)

    def rows(self, obj: str) -> int:
        a = self.a
        return {
            "User": a["n_users"],
            "Account": a["n_acc"],
            "Opportunity": self.m.n,
            "OpportunityHistory": a["hist"]["t"].size,
            "OpportunityFieldHistory": a["fh"]["t"].size,
            "Task": a["task"]["created"].size,
            "Event": a["event"]["created"].size,
            "Lead": a["n_leads"],
            "ForecastingQuota": a["quota"]["rep"].size,
            "DatedConversionRate": len(self.m.quarters) + 1,
        }[obj]

    def render(self, obj: str, idx: np.ndarray) -> dict[str, pa.Array]:
        return getattr(self, "_" + obj)(np.asarray(idx, dtype=np.int64))

    # -- objects --------------------------------------------------------------------------
    def _User(self, i):
        a = self.a
        kind = a["user_kind"][i]
        f, l_, name = _names(a["user_first"][i], a["user_last"][i])
        special = kind >= 3
        name = pc.if_else(pa.array(special), _pick(np.clip(kind - 3, 0, 1), ["Integration User", "Automated Process"]), name)
        title = _pick(kind, ["VP Sales", "Sales Manager", "Account Executive", None, None])
        email = _emails(a["user_first"][i], a["user_last"][i], "acme-demo.example")
        email = _null_where(email, kind == 4)
        email = pc.if_else(pa.array(kind == 3), pa.scalar("integration@acme-demo.example"), email)
        role_seq = np.where(kind == 0, 0, np.where(kind == 1, 1 + a["user_team"][i], 1 + a["n_teams"] + np.maximum(a["user_team"][i], 0)))
        mgr = a["user_manager"][i]
        return {
            "Id": self.user_id(i),
            "Name": name,
            "IsActive": _bool_array(a["user_active"][i], self.u("User", "IsActive", i)),
            "UserType": _pick(np.maximum(kind - 2, 0), ["Standard", "CloudIntegrationUser", "AutomatedProcess"]),
            "ManagerId": _blank_spelling(self.user_id(mgr), mgr < 0, self.u("User", "ManagerId", i)),
            "Email": email,
            "UserRoleId": _id_array(KEY_PREFIX["UserRole"], role_seq, valid=kind <= 2),
            "Title": title,
            "IsDeleted": _bool_array(np.zeros(i.size, bool), self.u("User", "IsDeleted", i)),
            # the parts of Name (integration and automation users have a last name only)
            "FirstName": _null_where(f, special),
            "LastName": pc.if_else(pa.array(special), name, l_),
        }

    def _Account(self, i):
        a = self.a
        ind = a["acc_industry"][i]
        return {
            "Id": _id_array(KEY_PREFIX["Account"], i),
            "Name": _account_names(self.m, i),
            "OwnerId": self.user_id(a["rep_uid"][a["acc_owner"][i]]),
            "CreatedDate": _ts_array(a["acc_created"][i], self.u("Account", "CreatedDate", i)),
            "Industry": _blank_spelling(_pick(ind, INDUSTRIES + ("",)), ind == len(INDUSTRIES), self.u("Account", "Industry", i)),
            "Type": _pick(a["acc_type"][i], ["Prospect", "Customer", "Partner"]),
            "IsDeleted": _bool_array(np.zeros(i.size, bool), self.u("Account", "IsDeleted", i)),
        }

    def _Opportunity(self, i):
        a, st = self.a, self.m.stages
        K = st.k
        stage = a["deal_stage"][i]
        acc = a["deal_account"][i]
        dtype_ = a["deal_type"][i]
        product = _pick(dtype_ * len(PRODUCTS) + a["deal_product"][i], [f"{p}" for p in PRODUCTS] + [f"{p} expansion" for p in PRODUCTS] + ["Renewal"] * len(PRODUCTS))
        reason = a["deal_loss_reason"][i]
        return {
            "Id": _id_array(KEY_PREFIX["Opportunity"], i),
            "AccountId": self.ref("Account", acc),
            "OwnerId": self.user_id(a["rep_uid"][np.where(a["deal_chg_t"][i] <= self.m.end_ts, a["deal_owner1"][i], a["deal_owner0"][i])]),
            "Name": _join(_account_names(self.m, acc), product, sep=" - "),
            "StageName": _pick(stage, st.names),
            "Amount": _amount_array(a["deal_amount"][i]),
            "CloseDate": _date_array(a["deal_close"][i]),
            "CreatedDate": _ts_array(a["deal_created"][i], self.u("Opportunity", "CreatedDate", i)),
            "IsClosed": _bool_array(stage >= K, self.u("Opportunity", "IsClosed", i)),
            "IsWon": _bool_array(stage == K, self.u("Opportunity", "IsWon", i)),
            "ForecastCategoryName": _pick(stage, st.forecast),
            "Type": _pick(dtype_, DEAL_TYPES),
            "LeadSource": _pick(a["deal_lead_source"][i], LEAD_SOURCES),
            "Probability": _int_array(st.probability[stage]),
            "CurrencyIsoCode": _pick(a["deal_eur"][i].astype(np.int64), ["USD", "EUR"]),
            "IsDeleted": _bool_array(np.zeros(i.size, bool), self.u("Opportunity", "IsDeleted", i)),
            "Loss_Reason__c": _blank_spelling(_pick(reason, LOSS_REASONS + ("",)), reason == len(LOSS_REASONS), self.u("Opportunity", "Loss_Reason__c", i)),
        }

    def _OpportunityHistory(self, i):
        h, st = self.a["hist"], self.m.stages
        stage = h["stage"][i]
        labels = [v for name in st.names for v in _stage_variants(name)]
        return {
            "Id": _id_array(KEY_PREFIX["OpportunityHistory"], i),
            "OpportunityId": self.ref("Opportunity", h["deal"][i], short=self.u("OpportunityHistory", "OpportunityId", i) < 0.03),
            "CreatedById": self.user_id(h["user"][i]),
            "CreatedDate": _ts_array(h["t"][i], self.u("OpportunityHistory", "CreatedDate", i)),
            "StageName": _pick(stage * 5 + h["variant"][i], labels),
            "Amount": _amount_array(h["amount"][i]),
            "CloseDate": _date_array(h["close"][i]),
            "Probability": _int_array(st.probability[stage]),
            "ForecastCategory": _pick(stage, st.forecast),
            "IsDeleted": _bool_array(np.zeros(i.size, bool), self.u("OpportunityHistory", "IsDeleted", i)),
        }

    def _OpportunityFieldHistory(self, i):
        f = self.a["fh"]
        own = f["is_owner"][i]
        old_date = _date_array(np.where(own, 0, f["old"][i]))
        new_date = _date_array(np.where(own, 0, f["new"][i]))
        return {
            "Id": _id_array(KEY_PREFIX["OpportunityFieldHistory"], i),
            "OpportunityId": self.ref("Opportunity", f["deal"][i]),
            "CreatedById": self.user_id(f["user"][i]),
            "CreatedDate": _ts_array(f["t"][i], self.u("OpportunityFieldHistory", "CreatedDate", i)),
            "Field": _pick(own.astype(np.int64), ["CloseDate", "Owner"]),
            "OldValue": pc.if_else(pa.array(own), self.user_id(np.where(own, f["old"][i], 0)), old_date),
            "NewValue": pc.if_else(pa.array(own), self.user_id(np.where(own, f["new"][i], 0)), new_date),
            "IsDeleted": _bool_array(np.zeros(i.size, bool), self.u("OpportunityFieldHistory", "IsDeleted", i)),
        }

    def _what_who(self, obj, r, i):
        """WhoId / WhatId / AccountId of interactions (Task / Event)."""
        pk, parent = r["pkind"][i], r["parent"][i]
        acc, who = r["account"][i], r["who"][i]
        is_opp, is_lead = pk == 0, pk == 1
        acc_m = self.idm("Account", np.maximum(acc, 0))
        what_m = acc_m.copy()
        what_m[is_opp] = self.idm("Opportunity", parent[is_opp])
        short = (is_opp & (self.u(obj, "WhatId15", i) < 0.03)) if obj == "Task" else None
        what = _blank_spelling(_ids_from_matrix(what_m, short), is_lead, self.u(obj, "WhatId", i))
        who_m = self.idm("Contact", np.maximum(who, 0))
        who_m[is_lead] = self.idm("Lead", parent[is_lead])
        who_id = _blank_spelling(_ids_from_matrix(who_m), ~is_lead & (who < 0), self.u(obj, "WhoId", i))
        account = _blank_spelling(_ids_from_matrix(acc_m), acc < 0, self.u(obj, "AccountId", i))
        return who_id, what, account

    def _Task(self, i):
        r = self.a["task"]
        ch = r["channel"][i]
        who_id, what, account = self._what_who("Task", r, i)
        u_blank = self.u("Task", "TypeBlank", i)
        u_subj = self.u("Task", "Subject", i)
        name = (self.u("Task", "SubjectName", i) * 20).astype(np.int64)
        # subjects: template per channel x first name
        templates = [
            ["Call with {n}", "Discovery call", "Follow-up call with {n}", "Call: pricing questions", "Left voicemail for {n}"],
            ["Email: Follow-up", "Email: Proposal sent", "Email: Intro, next steps", 'Email: "Quick question" re pricing', "Re: Contract redlines"],
            ["Meeting notes: {n}", "On-site meeting", "Meeting notes: {n}", "On-site meeting", "Meeting notes: {n}"],
            ["Send contract", "Prepare proposal", "Update CRM notes", 'Internal review, "deal desk"', "Send contract"],
            ["Call with {n}"] * 5,  # blank Type, cue in the subject
            ["Email: {n}'s questions"] * 5,
        ]
        labels = [tpl.format(n=FIRST_NAMES[k]) for row in templates for tpl in row for k in range(20)]
        # ~15% of calls / emails have no Type: half keep the TaskSubtype, half only the subject
        typed = ~(((ch == CH_CALL) | (ch == CH_EMAIL)) & (u_blank < 0.15))
        cue_in_subject = ~typed & (u_blank < 0.075)
        row = np.where(cue_in_subject, np.where(ch == CH_CALL, 4, 5), ch)
        subject = _pick((row * 5 + (u_subj * 5).astype(np.int64)) * 20 + name, labels)
        type_ = _blank_spelling(_pick(ch, ["Call", "Email", "Meeting", "Other"]), ~typed, self.u("Task", "Type", i))
        subtype_code = np.where(ch == CH_CALL, 0, np.where(ch == CH_EMAIL, 1, 2))
        subtype_code = np.where(cue_in_subject, 2, subtype_code)
        is_open = r["open"][i]
        done = r["done"][i]
        created = r["created"][i]
        has_dur = (ch == CH_CALL) & ~is_open & ~cue_in_subject & (self.u("Task", "Dur", i) < 0.9)
        activity_day = np.where(is_open, created // DAY + r["due_days"][i], done // DAY)
        return {
            "Id": _id_array(KEY_PREFIX["Task"], i),
            "WhoId": who_id,
            "WhatId": what,
            "AccountId": account,
            "OwnerId": self.user_id(r["owner"][i]),
            "Subject": subject,
            "Type": type_,
            "TaskSubtype": _pick(subtype_code, ["Call", "Email", "Task"]),
            "Status": _pick(is_open.astype(np.int64), ["Completed", "Not Started"]),
            "ActivityDate": _date_array(activity_day),
            "CreatedDate": _ts_array(created, self.u("Task", "CreatedDate", i)),
            "CompletedDateTime": _ts_array(done, self.u("Task", "CompletedDateTime", i), valid=~is_open),
            "CallDurationInSeconds": _int_array(r["duration"][i], valid=has_dur),
            "IsDeleted": _bool_array(np.zeros(i.size, bool), self.u("Task", "IsDeleted", i)),
        }

    def _Event(self, i):
        r = self.a["event"]
        ch = r["channel"][i]
        who_id, what, account = self._what_who("Event", r, i)
        name = (self.u("Event", "SubjectName", i) * 20).astype(np.int64)
        v = (self.u("Event", "Subject", i) * 3).astype(np.int64)
        templates = [
            ["Meeting: kickoff", "Meeting with {n}", "QBR, budget review"],
            ["Demo: Platform", "Product demo for {n}", 'Demo: "Analytics Add-on"'],
        ]
        labels = [tpl.format(n=FIRST_NAMES[k]) for row in templates for tpl in row for k in range(20)]
        return {
            "Id": _id_array(KEY_PREFIX["Event"], i),
            "WhoId": who_id,
            "WhatId": what,
            "AccountId": account,
            "OwnerId": self.user_id(r["owner"][i]),
            "Subject": _pick(((ch - CH_MEET) * 3 + v) * 20 + name, labels),
            "Type": _pick(ch - CH_MEET, ["Meeting", "Demo"]),
            "EventSubtype": _pick(np.zeros(i.size, np.int64), ["Event"]),
            "StartDateTime": _ts_array(r["start"][i], self.u("Event", "StartDateTime", i)),
            "EndDateTime": _ts_array(r["end"][i], self.u("Event", "EndDateTime", i)),
            "CreatedDate": _ts_array(r["created"][i], self.u("Event", "CreatedDate", i)),
            "IsDeleted": _bool_array(np.zeros(i.size, bool), self.u("Event", "IsDeleted", i)),
            # the same start as ActivityDateTime (same spelling), its UTC day, and the length
            "ActivityDateTime": _ts_array(r["start"][i], self.u("Event", "StartDateTime", i)),
            "ActivityDate": _date_array(r["start"][i] // DAY),
            "DurationInMinutes": _int_array((r["end"][i] - r["start"][i]) // 60),
        }

    def _Lead(self, i):
        a = self.a
        conv = a["lead_converted"][i]
        deal = np.maximum(a["lead_deal"][i], 0)
        first, last = a["lead_first"][i], a["lead_last"][i]
        f, l_, _ = _names(first, last)
        comp_acc = np.where(conv, a["deal_account"][deal], a["lead_company"][i] % max(1, a["n_acc"]))
        company = _account_names(self.m, comp_acc)
        domain = _join(_pick(a["acc_name_a"][comp_acc], [_ascii(x) for x in COMPANY_A]), pa.scalar("example"), sep=".")
        return {
            "Id": _id_array(KEY_PREFIX["Lead"], i),
            "OwnerId": self.user_id(a["rep_uid"][a["lead_owner"][i]]),
            "CreatedDate": _ts_array(a["lead_created"][i], self.u("Lead", "CreatedDate", i)),
            "Status": _pick(a["lead_status"][i], ["Open - Not Contacted", "Working - Contacted", "Closed - Not Converted", "Closed - Converted"]),
            "LeadSource": _pick(a["lead_source"][i], LEAD_SOURCES),
            "IsConverted": _bool_array(conv, self.u("Lead", "IsConverted", i)),
            "ConvertedDate": _blank_spelling(_date_array(a["deal_created"][deal] // DAY), ~conv, self.u("Lead", "ConvertedDate", i)),
            "ConvertedOpportunityId": _blank_spelling(self.ref("Opportunity", deal), ~conv, self.u("Lead", "ConvertedOpportunityId", i)),
            "ConvertedAccountId": _blank_spelling(self.ref("Account", a["deal_account"][deal]), ~conv, self.u("Lead", "ConvertedAccountId", i)),
            "IsDeleted": _bool_array(np.zeros(i.size, bool), self.u("Lead", "IsDeleted", i)),
            "FirstName": f,
            "LastName": l_,
            "Email": _emails(first, last, domain),
            "Phone": _join(pa.scalar("+1-555-"), pc.utf8_lpad(pc.cast(pa.array(a["lead_phone"][i]), pa.string()), 7, "0")),
            "Company": company,
        }

    def _ForecastingQuota(self, i):
        q = self.a["quota"]
        q_days = np.array([_days(d) for d in self.m.quarters], np.int64)
        return {
            "Id": _id_array(KEY_PREFIX["ForecastingQuota"], i),
            "QuotaOwnerId": self.user_id(self.a["rep_uid"][q["rep"][i]]),
            "StartDate": _date_array(q_days[q["q"][i]]),
            "QuotaAmount": _amount_array(q["amount_cents"][i]),
            "CurrencyIsoCode": _pick(np.zeros(i.size, np.int64), ["USD"]),
            "IsDeleted": _bool_array(np.zeros(i.size, bool), self.u("ForecastingQuota", "IsDeleted", i)),
        }

    def _DatedConversionRate(self, i):
        nq = len(self.m.quarters)
        q_days = np.array([_days(d) for d in self.m.quarters] + [_days(dt.date(9999, 12, 31))], np.int64)
        iso = np.where(i < nq, 1, 0)
        rates = [f"{r:.6f}" for r in self.a["eur_rate"]] + ["1.000000"]
        qi = np.minimum(i, nq - 1)
        start = np.where(i < nq, q_days[qi], q_days[0])
        nxt = np.where(i < nq, q_days[qi + 1], q_days[-1])
        return {
            "Id": _id_array(KEY_PREFIX["DatedConversionRate"], i),
            "IsoCode": _pick(iso, ["USD", "EUR"]),
            "ConversionRate": _pick(i, rates),
            "StartDate": _date_array(start),
            "NextStartDate": _date_array(nxt),
            "IsDeleted": _bool_array(np.zeros(i.size, bool), self.u("DatedConversionRate", "IsDeleted", i)),
        }


# ---------------------------------------------------------------------------------------
# Bad rows
# ---------------------------------------------------------------------------------------
def _boring_deals(mdl: _Model) -> np.ndarray:
    """Deals whose loss costs no story: closed lost by plain forward moves, one owner,
    not reopened, no lead points at them."""
    a, h = mdl.arrays, mdl.arrays["hist"]
    K = mdl.stages.k
    special = np.zeros(mdl.n, bool)
    np.logical_or.at(special, h["deal"], ~np.isin(h["kind"], [CREATE, FWD, LOST_K, PUSH]) | (h["variant"] > 0))
    ok = (a["deal_stage"] == K + 1) & ~special & (a["deal_chg_t"] == np.iinfo(np.int64).max)
    ok &= a["deal_stage0"] == 0
    ok[a["lead_deal"][a["lead_deal"] >= 0]] = False
    return np.flatnonzero(ok)


def _detach_deal(mdl: _Model, deals: np.ndarray) -> None:
    """Drop the history, field history and activities of `deals` (the opportunity that gets
    a conflicting duplicate row), so quarantining it cascades to nothing: a correct cleaner
    quarantines exactly the rows the manifest lists."""
    a = mdl.arrays
    for key in ("hist", "fh"):
        keep = ~np.isin(a[key]["deal"], deals)
        a[key] = {k: v[keep] for k, v in a[key].items() if k != "prev"}
    for key in ("task", "event"):
        keep = ~((a[key]["pkind"] == 0) & np.isin(a[key]["parent"], deals))
        a[key] = {k: v[keep] for k, v in a[key].items()}


def _bad_rows(mdl: _Model, r: _Renderer, enabled: bool, conflict: np.ndarray) -> tuple[dict, dict, dict]:
    """Extra rows per object (lists of {column: str | None}), their counts per bad kind, and
    the counts of the rows moved to CUSTOM_STAGE (drawn in the same stream, between the bad
    kinds, so the files do not depend on how they are counted)."""
    counts = {obj: {k: 0 for k in kinds} for obj, kinds in BAD_KINDS.items()}
    custom = {obj: 0 for obj in CUSTOM_STAGE_OBJECTS}
    rows: dict[str, list[dict]] = {obj: [] for obj in OBJECTS}
    if not enabled:
        return rows, counts, custom
    rng = _stream(mdl.seed, "bad-rows")
    a = mdl.arrays
    n = mdl.n

    def how_many():
        return int(rng.integers(1, 4))

    def donors(obj, k, pool=None):
        pool = np.arange(r.rows(obj)) if pool is None else pool
        idx = np.sort(rng.choice(pool, k, replace=pool.size < k))
        table = pa.table(r.render(obj, idx))
        return table.to_pylist()

    def add(obj, kind, new_rows, weight=1):
        rows[obj].extend(new_rows)
        if kind == "custom_stage":
            custom[obj] += len(new_rows)
        else:
            counts[obj][kind] += len(new_rows) * weight

    fresh = {"Opportunity": n, "OpportunityHistory": r.rows("OpportunityHistory"), "Task": r.rows("Task"), "Event": r.rows("Event")}

    def fresh_id(obj):
        seq = fresh[obj]
        fresh[obj] += 1
        return _id_array(KEY_PREFIX[obj], np.array([seq]))[0].as_py()

    clean_deals = np.setdiff1d(np.arange(n), conflict)
    # Opportunity
    obj = "Opportunity"
    add(obj, "missing_id", [dict(d, Id=None) for d in donors(obj, how_many())])
    bad_ids = ["006BAD", "006-NOT-AN-ID!!", "006BAD0000000000000000"]
    add(obj, "invalid_id", [dict(d, Id=bad_ids[k]) for k, d in enumerate(donors(obj, how_many()))])
    if conflict.size:
        twin = donors(obj, 1, conflict)[0]
        amount = float(twin["Amount"]) + 1000
        add(obj, "conflicting_duplicate_id", [dict(twin, Amount=f"{amount:.2f}")], weight=2)
    for kind, col, value in [
        ("invalid_date", "CloseDate", "2025-13-45"),
        ("invalid_amount", "Amount", "12k"),
        ("invalid_timestamp", "CreatedDate", "yesterday"),
        ("invalid_boolean", "IsWon", "maybe"),
        ("missing_required_value", "StageName", None),
        ("custom_stage", "StageName", CUSTOM_STAGE),
        ("deleted", "IsDeleted", "true"),
    ]:
        add(obj, kind, [dict(d, Id=fresh_id(obj), **{col: value}) for d in donors(obj, how_many(), clean_deals)])
    add(obj, "duplicate", donors(obj, how_many(), clean_deals))
    # OpportunityHistory (the conflicting deal has no history rows left to copy)
    obj = "OpportunityHistory"
    h_pool = np.arange(a["hist"]["t"].size)
    lost = mdl.stages.names[-1]
    unknown_opp = _id_array(KEY_PREFIX["Opportunity"], np.array([n + 10_000 + k for k in range(3)]))
    add(obj, "unknown_opportunity", [dict(d, Id=fresh_id(obj), OpportunityId=unknown_opp[k].as_py()) for k, d in enumerate(donors(obj, how_many(), h_pool))])
    bad_ts = ["2025-02-30T25:61:00.000Z", "not a timestamp", "2025-06-31T10:00:00.000Z"]
    add(obj, "invalid_timestamp", [dict(d, Id=fresh_id(obj), CreatedDate=bad_ts[k]) for k, d in enumerate(donors(obj, how_many(), h_pool))])
    add(obj, "custom_stage", [dict(d, Id=fresh_id(obj), StageName=CUSTOM_STAGE) for d in donors(obj, how_many(), h_pool)])
    add(obj, "duplicate", donors(obj, how_many(), h_pool))
    add(obj, "deleted", [dict(d, Id=fresh_id(obj), StageName=lost, Probability="0", ForecastCategory=mdl.stages.forecast[-1], IsDeleted="true") for d in donors(obj, how_many(), h_pool)])
    # Task / Event
    obj = "Task"
    add(obj, "invalid_timestamp", [dict(d, Id=fresh_id(obj), CreatedDate=bad_ts[k], CompletedDateTime=bad_ts[k]) for k, d in enumerate(donors(obj, how_many()))])
    add(obj, "duplicate", donors(obj, how_many()))
    add(obj, "deleted", [dict(d, Id=fresh_id(obj), IsDeleted="true") for d in donors(obj, how_many())])
    obj = "Event"
    bad_ev = ["2025-13-01T10:00:00.000Z", "31/12/2025 10:00", "soon"]
    add(obj, "invalid_timestamp", [dict(d, Id=fresh_id(obj), StartDateTime=bad_ev[k]) for k, d in enumerate(donors(obj, how_many()))])
    # Account / User: one exact duplicate each
    add("Account", "duplicate", donors("Account", 1))
    add("User", "duplicate", donors("User", 1, a["rep_uid"]))
    return rows, counts, custom


# ---------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------
_QUOTE_RE = r'[,"\r\n]|^\s|\s$'


def _csv_field(col: pa.Array) -> pa.Array:
    """Minimal quoting: quote values containing a comma, quote, line break or leading /
    trailing blank, and the explicit empty string; nulls become empty fields."""
    needs = pc.fill_null(pc.or_kleene(pc.match_substring_regex(col, _QUOTE_RE), pc.equal(col, "")), False)
    if not pc.any(needs).as_py():
        return pc.fill_null(col, "")
    quoted = _join(pa.scalar('"'), pc.replace_substring(col, '"', '""'), pa.scalar('"'))
    return pc.fill_null(pc.if_else(needs, quoted, col), "")


def _csv_bytes(table: pa.Table) -> bytes:
    cols = [_csv_field(c.combine_chunks() if isinstance(c, pa.ChunkedArray) else c) for c in table.columns]
    lines = pc.binary_join_element_wise(*cols, ",")
    lines = pc.binary_join_element_wise(lines, pa.scalar(""), "\n")
    if isinstance(lines, pa.ChunkedArray):
        lines = lines.combine_chunks()
    offsets = np.frombuffer(lines.buffers()[1], np.int32)[lines.offset : lines.offset + len(lines) + 1]
    data = lines.buffers()[2]
    return memoryview(data)[offsets[0] : offsets[-1]].tobytes()


def _to_table(columns: list[str], data: dict[str, pa.Array], n_rows: int, warn: Callable[[str], None]) -> pa.Table:
    arrays = []
    for col in columns:
        if col in data:
            arr = data[col]
        else:
            warn(f"generator has no values for column {col!r}; written blank")
            arr = pa.nulls(n_rows, pa.string())
        arrays.append(arr.cast(pa.string()))
    return pa.Table.from_arrays(arrays, names=columns)


class _Writer:
    def __init__(self, path: Path, columns: list[str], fmt: str):
        self.path, self.columns, self.fmt = path, columns, fmt
        if fmt == "csv":
            self.fh = open(path, "wb")
            self.fh.write((",".join(columns) + "\n").encode("utf-8"))
        else:
            schema = pa.schema([(c, pa.string()) for c in columns])
            self.pq = pq.ParquetWriter(path, schema, compression="snappy")

    def write(self, table: pa.Table) -> None:
        if table.num_rows == 0:
            return
        if self.fmt == "csv":
            self.fh.write(_csv_bytes(table))
        else:
            self.pq.write_table(table)

    def close(self) -> None:
        if self.fmt == "csv":
            self.fh.close()
        else:
            self.pq.close()


def check_params(opportunities, seed, fmt: str, end_date: str | dt.date) -> dt.date:
    """Validate the export parameters (ValueError with a one-line message); the end date as a date."""
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be 'csv' or 'parquet', not {fmt!r}")
    if isinstance(opportunities, bool) or not isinstance(opportunities, (int, np.integer)) or opportunities < MIN_OPPORTUNITIES:
        raise ValueError(f"opportunities must be an integer >= {MIN_OPPORTUNITIES}, not {opportunities!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, not {seed!r}")
    if isinstance(end_date, str):
        try:
            end_date = dt.date.fromisoformat(end_date)
        except ValueError:
            raise ValueError(f"end_date must be YYYY-MM-DD, not {end_date!r}") from None
    if not dt.date(2000, 1, 1) <= end_date <= dt.date(2200, 12, 31):
        raise ValueError(f"end_date out of range (2000-2200): {end_date}")
    return end_date


def output_folder(out_dir) -> Path:
    """The output folder, created when missing (ValueError when the path is a file)."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ValueError(f"output path {out} exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    return out


def build_model(opportunities: int, seed: int, end_date: dt.date, inject_bad_rows: bool) -> tuple[_Model, np.ndarray]:
    """The business of an export and the deal the bad rows give a conflicting duplicate (none
    without bad rows; its history, field history and activities are detached). Every
    rendering of one (opportunities, seed, end_date, inject_bad_rows) is the same business."""
    mdl = _build(int(opportunities), int(seed), end_date)
    conflict = _boring_deals(mdl)[:1] if inject_bad_rows else np.zeros(0, np.int64)
    if conflict.size:
        _detach_deal(mdl, conflict)
    return mdl, conflict


def generate_export(
    out_dir,
    opportunities: int = 600,
    seed: int = 42,
    fmt: str = "csv",
    inject_bad_rows: bool = True,
    end_date: str | dt.date = "2026-09-30",
    *,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Write a Salesforce export folder and return its manifest (also written to
    `<out_dir>/_manifest.json`). See the module docstring for the rules."""
    end_date = check_params(opportunities, seed, fmt, end_date)
    out = output_folder(out_dir)
    say = progress or (lambda msg: None)
    t_start = time.perf_counter()
    t0 = time.perf_counter()
    mdl, conflict = build_model(opportunities, seed, end_date, inject_bad_rows)
    say(f"{'(model)':<24} {'':>12} {time.perf_counter() - t0:8.2f} s")
    r = _Renderer(mdl)
    bad, bad_counts, custom_counts = _bad_rows(mdl, r, inject_bad_rows, conflict)
    ext = "csv" if fmt == "csv" else "parquet"
    other = "parquet" if fmt == "csv" else "csv"
    manifest = {
        "generator": "revops_kpis.generator",
        "params": {"opportunities": int(opportunities), "seed": int(seed), "format": fmt, "inject_bad_rows": bool(inject_bad_rows), "end_date": end_date.isoformat()},
        "window": {"start_date": mdl.start_date.isoformat(), "end_date": end_date.isoformat()},
        "files": {},
        "rows": {},
        "bad_rows": {},
        "custom_stage_rows": dict(custom_counts),
    }
    warned: set[str] = set()

    def warn(msg):
        if msg not in warned:
            warned.add(msg)
            print(f"warning: {msg}", file=sys.stderr)

    for obj in OBJECTS:
        t0 = time.perf_counter()
        stale = out / f"{obj}.{other}"
        if stale.exists():
            stale.unlink()
            say(f"removed {stale} (other format)")
        cols = header(obj)
        path = out / f"{obj}.{ext}"
        w = _Writer(path, cols, fmt)
        n_rows = r.rows(obj)
        for s in range(0, n_rows, CHUNK_ROWS):
            idx = np.arange(s, min(n_rows, s + CHUNK_ROWS))
            w.write(_to_table(cols, r.render(obj, idx), idx.size, warn))
        extra = bad.get(obj, [])
        if extra:
            w.write(pa.Table.from_pylist([{c: row.get(c) for c in cols} for row in extra], schema=pa.schema([(c, pa.string()) for c in cols])))
        w.close()
        total = n_rows + len(extra)
        manifest["files"][obj] = path.name
        manifest["rows"][obj] = total
        if obj in BAD_KINDS:
            manifest["bad_rows"][obj] = bad_counts[obj]
        say(f"{obj:<24} {total:>12,} {time.perf_counter() - t0:8.2f} s")
    (out / "_manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    n_bad = sum(sum(v.values()) for v in manifest["bad_rows"].values())
    say(
        f"wrote {len(OBJECTS)} {fmt} files, {sum(manifest['rows'].values()):,} rows "
        f"({n_bad} bad rows injected) to {out} in {time.perf_counter() - t_start:.1f} s"
    )
    return manifest


# ---------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------
def _positive_int(minimum: int):
    def parse(text: str) -> int:
        try:
            value = int(text.replace("_", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be >= {minimum}: {value}")
        return value

    return parse


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text!r}") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m revops_kpis.generator",
        description="Generate a deterministic, realistic CRM export folder: Salesforce objects (one file per "
        "object) or, with --crm hubspot, the same business as the Fivetran HubSpot tables (one file per table).",
    )
    parser.add_argument(
        "--crm",
        choices=("salesforce", "hubspot"),
        default="salesforce",
        help="the CRM the export is written for (default salesforce); one seed and size give the same business in both",
    )
    parser.add_argument("--out", required=True, help="output folder (created if missing)")
    parser.add_argument("--opportunities", type=_positive_int(MIN_OPPORTUNITIES), default=600, help="scale: number of opportunities (default 600)")
    parser.add_argument("--seed", type=_positive_int(0), default=42, help="random seed (default 42)")
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv", help="file format (default csv)")
    parser.add_argument("--no-bad-rows", action="store_true", help="do not inject bad input rows (HubSpot: no deleted rows; the deal Salesforce would quarantine stays live)")
    parser.add_argument("--end-date", type=_iso_date, default=dt.date(2026, 9, 30), help="last day of the export (default 2026-09-30)")
    args = parser.parse_args(argv)
    if args.crm == "hubspot":
        from revops_kpis.generator_hubspot import generate_export_hubspot as write
    else:
        write = generate_export
    try:
        write(
            args.out,
            opportunities=args.opportunities,
            seed=args.seed,
            fmt=args.format,
            inject_bad_rows=not args.no_bad_rows,
            end_date=args.end_date,
            progress=lambda msg: print(msg, file=sys.stderr, flush=True),
        )
    except (ValueError, OSError) as exc:
        parser.exit(2, f"{parser.prog}: error: {exc}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
