"""Time in the generated business: seconds since 1970 (UTC), business days and hours, quarters."""

from __future__ import annotations

import datetime as dt

import numpy as np


DAY = 86_400
_EPOCH = dt.date(1970, 1, 1)


def _days(d: dt.date) -> int:
    return (d - _EPOCH).days


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


def _quarter_start(d: dt.date) -> dt.date:
    return dt.date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def _add_quarters(d: dt.date, q: int) -> dt.date:
    m = d.year * 12 + d.month - 1 + 3 * q
    return dt.date(m // 12, m % 12 + 1, 1)
