"""Vectorised value rendering: numpy arrays -> Arrow string columns as Data Loader writes them.

Dates `YYYY-MM-DD`, timestamps `...T14:22:11.000Z` (a few `+0000` / `+02:00`), booleans
`true` / `false` (a few `TRUE` / `1`), amounts with two decimals, categorical labels, and the
three spellings of a blank. Per-cell choices come from uniform numbers `u` the caller draws
(`randomness._Cosmetic`), so a row renders the same in any chunk.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from revops_kpis.generator.clock import DAY


def _fixed_strings(m: np.ndarray) -> pa.Array:
    """A (n, w) uint8 matrix of ASCII bytes -> Arrow string array (zero copy)."""
    m = np.ascontiguousarray(m)
    n, w = m.shape
    offsets = np.arange(0, (n + 1) * w, w, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(m))


def _null_where(arr: pa.Array, mask: np.ndarray | None) -> pa.Array:
    if mask is None or not mask.any():
        return arr
    return pc.if_else(pa.array(mask), pa.scalar(None, pa.string()), arr)


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
