"""How the command line prints numbers: one rule in one place (the run summary uses it).

Money carries its currency (the corporate currency the amounts are in), rates are percentages
with one decimal, and anything unknown (null) reads "n/a": never 0, never a unit alone.
"""

from __future__ import annotations

NOT_KNOWN = "n/a"


def money(value, currency: str, unit: str = "") -> str:
    """An amount in the corporate currency: `USD 1,234,567.89` (`unit` after it, e.g. `/day`)."""
    return NOT_KNOWN if value is None else f"{currency} {float(value):,.2f}{unit}"


def rate(value) -> str:
    """A rate stored as a fraction (0.421) as a percentage with one decimal: `42.1%`."""
    return NOT_KNOWN if value is None else f"{100 * float(value):.1f}%"


def number(value, unit: str = "", digits: int = 1) -> str:
    """A plain number with thousands separators and `digits` decimals, then `unit`."""
    return NOT_KNOWN if value is None else f"{float(value):,.{digits}f}{unit}"
