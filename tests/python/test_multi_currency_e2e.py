"""End to end on a multi-currency org without advanced currency management, exported by the
Data Export Service (tests/fixtures/exports/multi_currency_static: every value double-quoted,
every field of the object, API-name headers, a CurrencyType.csv and no DatedConversionRate).

The export, worked out by hand. CurrencyType (units per 1 USD, the corporate currency):
USD 1, EUR 0.8, GBP 0.5, JPY 125, CHF 0.9 (inactive: it still converts its old deal).
SEK is not a currency of the org: no rate. Rita and Ravi report to Mona. All deals closed
in calendar Q1 2025:

    deal  owner  stage  amount        in USD
    1     Rita   won    10,000 USD    10,000
    2     Rita   won     8,000 EUR    10,000   (8,000 / 0.8)
    3     Ravi   won     1,000 GBP     2,000   (1,000 / 0.5)
    4     Ravi   won 1,250,000 JPY    10,000   (1,250,000 / 125)
    5     Rita   won       900 CHF     1,000   (900 / 0.9)
    6     Ravi   won    50,000 SEK    unknown
    7     Rita   lost    4,000 EUR     5,000
    8     Ravi   lost   10,000 SEK    unknown
    9     Rita   open    3,000 USD     3,000

Company Q1: won 6 (1 of unknown amount), bookings 33,000, average deal size 33,000 / 5 =
6,600 (not 33,000 / 6 = 5,500); lost 2 (1 unknown), lost amount 5,000; win rate 6 / 8.
Rita: won 3, 21,000, average 7,000. Ravi: won 3 (1 unknown), 12,000, average 12,000 / 2 =
6,000. Reported in EUR instead (var corporate_currency EUR, rebased: rate / 0.8) every
known amount is 0.8 times its USD value: bookings 26,400, average 5,280.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from dbt_helpers import FIXTURES, accounting, build, query

EXPORT = FIXTURES / "multi_currency_static"
# the marts asserted on, their parents and their data tests (unit tests run in dbt build)
SELECTION = [
    "--select", "resource_type:seed", "path:models/staging", "path:tests/staging", "+rpt_kpi_tier1_outcomes",
    "+rpt_kpi_tier2_diagnostics", "+rpt_data_quality", "+dim_opportunities", "+metricflow_time_spine",
    "--exclude", "test_type:unit",
    "--indirect-selection", "cautious",
]
Q1 = "period_grain = 'quarter' and period_start = date '2025-01-01'"
RITA, RAVI = "005000000000001AAA", "005000000000002AAA"


@pytest.fixture(scope="module")
def usd_build(tmp_path_factory) -> Path:
    return build(EXPORT, tmp_path_factory.mktemp("multi_currency_usd"), selection=SELECTION)


def _tier2(duckdb_path: Path) -> dict:
    rows = query(
        duckdb_path,
        "select grain_id, won_count, won_unknown_amount_count, won_amount, avg_deal_size_amount, "
        "lost_count, lost_unknown_amount_count, lost_amount, win_rate "
        f"from marts.rpt_kpi_tier2_diagnostics where grain in ('rep', 'company') and {Q1}",
    )
    return {row[0]: row[1:] for row in rows}


def test_every_raw_row_is_accounted_for_currency_type_included(usd_build):
    rows = accounting(usd_build)
    assert rows["CurrencyType"] == (5, 5, 0, 0, 0)
    assert rows["DatedConversionRate"] == (0, 0, 0, 0, 0)
    assert rows["Opportunity"] == (9, 9, 0, 0, 0)


def test_static_rates_convert_every_currency_of_the_org(usd_build):
    amounts = dict(query(usd_build, "select opportunity_id, amount from marts.dim_opportunities"))
    assert amounts == {
        "006000000000001AAA": Decimal("10000.00"),
        "006000000000002AAA": Decimal("10000.00"),
        "006000000000003AAA": Decimal("2000.00"),
        "006000000000004AAA": Decimal("10000.00"),
        "006000000000005AAA": Decimal("1000.00"),  # CHF is inactive: its deal still converts
        "006000000000006AAA": None,  # SEK: no rate
        "006000000000007AAA": Decimal("5000.00"),
        "006000000000008AAA": None,
        "006000000000009AAA": Decimal("3000.00"),
    }
    missing = query(usd_build, "select opportunity_id from marts.dim_opportunities where is_missing_conversion_rate")
    assert sorted(missing) == [("006000000000006AAA",), ("006000000000008AAA",)]


def test_bookings_counts_and_average_deal_size(usd_build):
    tier2 = _tier2(usd_build)
    assert tier2["all"] == (6, 1, Decimal("33000.00"), pytest.approx(6600.0), 2, 1, Decimal("5000.00"), 0.75)
    assert tier2[RITA] == (3, 0, Decimal("21000.00"), pytest.approx(7000.0), 1, 0, Decimal("5000.00"), 0.75)
    assert tier2[RAVI] == (3, 1, Decimal("12000.00"), pytest.approx(6000.0), 1, 1, Decimal("0.00"), 0.75)
    tier1 = query(
        usd_build,
        "select won_count, bookings_amount, won_unknown_amount_count from marts.rpt_kpi_tier1_outcomes "
        f"where grain = 'company' and {Q1}",
    )
    assert tier1 == [(6, Decimal("33000.00"), 1)]


def test_unconverted_deals_are_counted_in_data_quality_and_the_run_summary(usd_build):
    import duckdb

    from revops_kpis.run_summary import format_currency_summary

    counts = query(
        usd_build,
        "select grain_id, unconverted_amount_deal_count from marts.rpt_data_quality "
        f"where grain in ('rep', 'company') and {Q1}",
    )
    assert dict(counts) == {"all": 2, RAVI: 2, RITA: 0}
    with duckdb.connect(str(usd_build), read_only=True) as connection:
        summary = "\n".join(format_currency_summary(connection))
    assert "AMOUNTS THAT COULD NOT BE CONVERTED" in summary
    assert "2 deals (SEK 2): their amounts are left out of the money KPIs" in summary
    assert "over all dates for CHF, EUR, GBP, JPY" in summary


def test_metricflow_agrees_average_deal_size_over_known_amounts(usd_build, tmp_path):
    from revops_kpis.semantic_layer import metricflow_project_dir, mf_query

    project = metricflow_project_dir(usd_build.parent / "target", tmp_path / "mf")
    rows = mf_query(
        project, usd_build, ["bookings_amount", "won_count", "won_unknown_amount_count", "avg_deal_size_amount"],
        ["metric_time__quarter"],
    )
    (q1,) = [row for row in rows if row["metric_time__quarter"].startswith("2025-01-01")]
    assert float(q1["bookings_amount"]) == 33000.0
    assert (int(q1["won_count"]), int(q1["won_unknown_amount_count"])) == (6, 1)
    assert float(q1["avg_deal_size_amount"]) == pytest.approx(6600.0)


def test_export_check_warns_about_the_currency_without_a_rate(tmp_path):
    from revops_kpis.export_checks import format_summary, validate_export

    validation = validate_export(EXPORT, tmp_path / "report")
    assert validation.success, format_summary(validation)
    assert len(validation.warnings) == 1
    assert "Opportunity: 2 deals use currencies without a conversion rate: SEK (2)" in validation.warnings[0]
    assert "SEK (2)" in format_summary(validation)
    assert "SEK (2)" in validation.markdown_path.read_text()
    # CurrencyType is keyed by its ISO code; its Id is not required
    checks = {(o.check, o.column) for o in validation.object("CurrencyType").outcomes}
    assert {("key not null", "IsoCode"), ("key unique", "IsoCode"), ("id unique where present", "Id")} <= checks
    assert not any(check == "primary key not null" for check, _ in checks)


def test_amounts_are_rebased_onto_the_var_currency(tmp_path):
    duckdb_path = build(EXPORT, tmp_path, extra_vars={"corporate_currency": "EUR"}, selection=SELECTION)
    tier2 = _tier2(duckdb_path)
    # every known amount is its USD value x 0.8 (EUR per USD); the SEK deals stay unknown
    assert tier2["all"] == (6, 1, Decimal("26400.00"), pytest.approx(5280.0), 2, 1, Decimal("4000.00"), 0.75)
    assert tier2[RAVI] == (3, 1, Decimal("9600.00"), pytest.approx(4800.0), 1, 1, Decimal("0.00"), 0.75)
    rates = dict(query(duckdb_path, "select currency_code, conversion_rate from intermediate.int_currency_rates_dated"))
    assert rates == pytest.approx({"EUR": 1.0, "USD": 1.25, "GBP": 0.625, "JPY": 156.25, "CHF": 1.125})


def test_lower_case_and_padded_currency_codes_give_the_same_totals(tmp_path):
    # codes as users type them into a hand-made export (usd, ' eur', 'Gbp '), in the deals and
    # in CurrencyType, and the var written the same way: every code is trimmed and upper-cased
    # in one place (staging), so the EUR figures of the upper-case export come out (worked out
    # by hand in the module docstring: each known USD amount x 0.8)
    from dbt_helpers import copy_export, read_rows, write_rows

    export = copy_export("multi_currency_static", tmp_path / "export")
    written = {"USD": "usd", "EUR": " eur", "GBP": "Gbp ", "JPY": "jpy", "CHF": "chf", "SEK": "sek"}
    for name, column in (("Opportunity.csv", "CurrencyIsoCode"), ("CurrencyType.csv", "IsoCode")):
        header, rows = read_rows(export / name)
        for row in rows:
            row[column] = written[row[column]]
        write_rows(export / name, header, rows)
    duckdb_path = build(export, tmp_path / "work", extra_vars={"corporate_currency": "eur "}, selection=SELECTION)
    assert accounting(duckdb_path)["Opportunity"] == (9, 9, 0, 0, 0)
    assert accounting(duckdb_path)["CurrencyType"] == (5, 5, 0, 0, 0)
    tier2 = _tier2(duckdb_path)
    assert tier2["all"] == (6, 1, Decimal("26400.00"), pytest.approx(5280.0), 2, 1, Decimal("4000.00"), 0.75)
    assert tier2[RAVI] == (3, 1, Decimal("9600.00"), pytest.approx(4800.0), 1, 1, Decimal("0.00"), 0.75)
    codes = {row[0] for row in query(duckdb_path, "select currency_code from staging.stg_crm__opportunities")}
    assert codes == {"USD", "EUR", "GBP", "JPY", "CHF", "SEK"}
    rates = dict(query(duckdb_path, "select currency_code, conversion_rate from intermediate.int_currency_rates_dated"))
    assert rates == pytest.approx({"EUR": 1.0, "USD": 1.25, "GBP": 0.625, "JPY": 156.25, "CHF": 1.125})
