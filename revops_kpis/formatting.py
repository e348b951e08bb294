"""How numbers are printed, by the command line and the dashboard alike: one rule in one place.

Money carries its currency (the corporate currency the amounts are in), rates are percentages
with one decimal, and anything unknown (null: None, NaN, a missing value of pandas) reads
"n/a": never 0, never a unit alone. A change between two periods is signed ("+", "-"), a
change of a rate in percentage points.
"""

from __future__ import annotations

NOT_KNOWN = "n/a"


def is_unknown(value) -> bool:
    """None, NaN, pandas' NA or NaT: a value nobody knows."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN and NaT differ from themselves
    except TypeError:  # pandas.NA has no truth value
        return True


def money(value, currency: str, unit: str = "", digits: int = 2, signed: bool = False) -> str:
    """An amount in the corporate currency: `USD 1,234,567.89` (`unit` after it, e.g. `/day`;
    `digits` decimals; `signed`: a change, `+USD 1,234` or `-USD 1,234`)."""
    if is_unknown(value):
        return NOT_KNOWN
    amount = float(value)
    if round(abs(amount), digits) == 0:  # no "-USD 0"
        sign = ""
    else:
        sign = ("-" if amount < 0 else "+") if signed else ("-" if amount < 0 else "")
    return f"{sign}{currency} {abs(amount):,.{digits}f}{unit}"


def rate(value) -> str:
    """A rate stored as a fraction (0.421) as a percentage with one decimal: `42.1%`."""
    return NOT_KNOWN if is_unknown(value) else f"{100 * float(value):.1f}%"


def rate_change(value) -> str:
    """The change of a rate (a difference of fractions) in percentage points: `+2.5 pts`
    (no sign when it rounds to 0)."""
    return NOT_KNOWN if is_unknown(value) else number(100 * float(value), " pts", 1, signed=True)


def number(value, unit: str = "", digits: int = 1, signed: bool = False) -> str:
    """A plain number with thousands separators and `digits` decimals, then `unit`
    (`signed`: a change, with its sign; none when it rounds to 0, never `-0.0`)."""
    if is_unknown(value):
        return NOT_KNOWN
    amount = float(value)
    if round(amount, digits) == 0:
        amount = 0.0
        signed = False
    return f"{amount:{'+' if signed else ''},.{digits}f}{unit}"
