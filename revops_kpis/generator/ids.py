"""Salesforce ids: 3-char key prefix + pod `5J` + `0` + a 9-char base-62 sequence, and the
18-character form with its case-checksum suffix (`to_18`)."""

from __future__ import annotations

import zlib

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from revops_kpis.generator.values import _fixed_strings, _null_where


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


def _id_array(prefix: str, seq: np.ndarray, short: np.ndarray | None = None, valid: np.ndarray | None = None) -> pa.Array:
    return _ids_from_matrix(_to_18_matrix(_id15_matrix(prefix, seq)), short, valid)


def _ids_from_matrix(m18: np.ndarray, short: np.ndarray | None = None, valid: np.ndarray | None = None) -> pa.Array:
    """18-char id matrix -> strings; rows flagged `short` in the 15-char form."""
    out = _fixed_strings(m18)
    if short is not None and short.any():
        out = pc.replace_with_mask(out, pa.array(short), _fixed_strings(m18[short, :15]))
    return _null_where(out, None if valid is None else ~valid)
