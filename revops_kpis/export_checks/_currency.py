"""Currencies: does every currency of the deals and quotas have a conversion rate? Warnings
across objects, never failures."""

from __future__ import annotations

from typing import TYPE_CHECKING

from revops_kpis.export_checks._preflight import DEFAULT_CORPORATE_CURRENCY

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

TRUE_TOKENS = frozenset({"true", "yes", "t", "y", "1"})  # as macros/cleaning/parse_boolean.sql
# (object, API name of its currency column, what its rows are) read for the coverage check
CURRENCY_COLUMNS = (("Opportunity", "CurrencyIsoCode", "deals"), ("ForecastingQuota", "CurrencyIsoCode", "quota rows"))
CURRENCY_OBJECTS = frozenset({"Opportunity", "ForecastingQuota", "DatedConversionRate", "CurrencyType"})


def _codes(frames: dict[str, pd.DataFrame], obj: str, column: str) -> dict[str, int]:
    """Upper-case currency code -> rows, for the non-null values of one column."""
    frame = frames.get(obj)
    if frame is None or column not in frame.columns:
        return {}
    counts = frame[column].dropna().str.upper().value_counts()
    return {str(code): int(n) for code, n in counts.items()}


def currency_coverage_warnings(
    frames: dict[str, pd.DataFrame], corporate_currency: str = DEFAULT_CORPORATE_CURRENCY
) -> list[str]:
    """Warnings for the currencies of deals and quotas that no conversion rate covers.

    A currency is covered by DatedConversionRate or CurrencyType rows, or by being the
    currency Salesforce's rates are quoted in (CurrencyType.IsCorporate; without
    CurrencyType, the var corporate_currency). Amounts in other currencies cannot be
    converted: dbt counts them and leaves them out of the money KPIs (int_currency_rates_dated).
    `frames` holds the all-string frames (API-name columns, nulls normalised) by object.
    """
    corporate_currency = corporate_currency.strip().upper()
    dated = set(_codes(frames, "DatedConversionRate", "IsoCode"))
    static = set(_codes(frames, "CurrencyType", "IsoCode"))
    org_corporate = corporate_currency
    types = frames.get("CurrencyType")
    if types is not None and {"IsoCode", "IsCorporate"} <= set(types.columns):
        flagged = types[types["IsCorporate"].fillna("").str.strip().str.lower().isin(TRUE_TOKENS)]
        corporate_codes = sorted(set(flagged["IsoCode"].dropna().str.upper()))
        if corporate_codes:
            org_corporate = corporate_codes[0]
    covered = dated | static | {org_corporate}
    warnings: list[str] = []
    if corporate_currency != org_corporate and corporate_currency not in covered:
        warnings.append(
            f"The var corporate_currency is {corporate_currency}, but the org's corporate currency "
            f"is {org_corporate} (CurrencyType.IsCorporate) and no rate in the export covers "
            f"{corporate_currency}: no amount in another currency can be converted into it. Set "
            f"corporate_currency to {org_corporate} or to another currency of the org."
        )
    sources = [name for name, codes in (("DatedConversionRate", dated), ("CurrencyType", static)) if codes]
    for obj, column, things in CURRENCY_COLUMNS:
        uncovered = {c: n for c, n in _codes(frames, obj, column).items() if c not in covered}
        if not uncovered:
            continue
        listed = ", ".join(f"{c} ({n:,})" for c, n in sorted(uncovered.items(), key=lambda kv: (-kv[1], kv[0])))
        if sources:
            have = f"the export's {' and '.join(sources)} rows do not cover them"
            fix = (
                "Check these records' CurrencyIsoCode; if the org has the currency, export "
                "CurrencyType again with it."
            )
        else:
            have = "the export has neither DatedConversionRate nor CurrencyType"
            fix = (
                "Add CurrencyType.csv to the export (every multi-currency org has it; the Data "
                "Export Service and Data Loader export it), and DatedConversionRate.csv if advanced "
                "currency management is on."
            )
        warnings.append(
            f"{obj}: {sum(uncovered.values()):,} {things} use currencies without a conversion rate: "
            f"{listed}; {have}. Their amounts cannot be converted to {corporate_currency}: they are "
            f"counted (the *_unknown_amount_count columns, rpt_data_quality) but left out of "
            f"bookings, pipeline, quota and every average over amounts. {fix}"
        )
    return warnings
