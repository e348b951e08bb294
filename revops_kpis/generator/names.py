"""Name material (people, companies, industries, lead sources, products, loss reasons) and the
rendering of person names, e-mail addresses and account names."""

from __future__ import annotations

import unicodedata

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from revops_kpis.generator.model import _Model
from revops_kpis.generator.values import _join, _pick


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
