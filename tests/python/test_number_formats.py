"""Amounts written in another locale: the number format of each file is read off the values that
decide it (like the date order), named with `--number-format` / the var `crm_number_format`
otherwise, and the prepared copy dbt reads holds plain decimals.

Fixtures: `tests/fixtures/exports/real_tools/report_de` and `report_fr` (written by
`write_fixtures.py` there), the small org of `test_real_tool_exports.py` exported from
Salesforce reports by a German and a French user: every value double-quoted, comma-delimited,
`10.000,00` / `10 000,00` (a narrow no-break space U+202F in Opportunity.csv, a no-break space
U+00A0 in OpportunityHistory.csv), dates `14.02.2025` / `14/02/2025`, timestamps in the user's
time zone. The KPIs are the ones worked out by hand in `test_real_tool_exports.py` (Q1 2025:
won 1, lost 1, bookings 10,000; Q2: won 2, bookings 27,500, average 13,750, commit 28,000).
"""

from __future__ import annotations

import contextlib
import csv
import io
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from dbt_helpers import FIXTURES, query, split_report_footer
from revops_kpis.cli import main
from revops_kpis.export_checks import ExportError, preflight
from revops_kpis.export_formats import NumberEvidence, decide_number_format, to_plain_number
from revops_kpis.export_prepare import prepare_export

REAL_TOOLS = FIXTURES / "real_tools"
LOCALES = {
    "report_de": {"crm_export_timezone": "Europe/Berlin"},
    "report_fr": {"crm_export_timezone": "Europe/Paris"},
}


# --------------------------------------------------------------------------------------------
# The rule on values
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("written", "number_format", "plain"),
    [
        ("35.700", "eu", "35700"),
        ("35.700", "us", "35.700"),
        ("1.200,50", "eu", "1200.50"),
        ("-1.200,50", "eu", "-1200.50"),
        ("1.200.000", "eu", "1200000"),
        ("12,5", "eu", "12.5"),
        ("1 200,50", "eu", "1200.50"),
        ("1\u00a0200,50", "eu", "1200.50"),
        ("1\u202f200,50", "eu", "1200.50"),
        ("1,200.50", "us", "1200.50"),
        ("1,200", "us", "1200"),
        ("1,200", "eu", "1.200"),
        ("(1,200.50)", "us", "-1200.50"),
        ("(1.200,50)", "eu", "-1200.50"),
        ("12500.00", "us", "12500.00"),
        ("1.5e3", "eu", "1.5e3"),  # plain exponent: as written
        ("100", "eu", "100"),
        # not a number in the format: left as written, for staging to quarantine (invalid_amount)
        ("1,200.50", "eu", "1,200.50"),
        ("$1,200.50", "us", "$1,200.50"),
        ("12k", "us", "12k"),
        ("1,20.5", "us", "1,20.5"),
    ],
)
def test_locale_numbers_to_plain_decimals(written, number_format, plain):
    assert to_plain_number(written, number_format) == plain


def _evidence(*values: str) -> NumberEvidence:
    evidence = NumberEvidence()
    for row, value in enumerate(values, start=1):
        evidence.add(value, row, "Amount")
    return evidence


@pytest.mark.parametrize(
    ("values", "decided"),
    [
        (("12,5", "35.700"), "eu"),  # a decimal comma decides
        (("1.200,50",), "eu"),
        (("1.200.000", "35.700"), "eu"),  # two dots: thousands
        (("1,200.50", "35.700"), "us"),
        (("0.25", "1,200"), "us"),  # a dot with other than 3 decimals decides
        (("1234.5",), "plain"),  # a decimal point and nothing to rewrite: read as it is
        (("12500.00", "100", ""), "plain"),
        (("(35)", "12.50"), "us"),  # accounting parentheses are rewritten
    ],
)
def test_the_values_that_decide_the_format(values, decided):
    assert decide_number_format(_evidence(*values)).number_format == decided


def test_undecided_and_conflicting_values_are_not_read():
    undecided = decide_number_format(_evidence("35.700", "7.500"))
    assert (undecided.number_format, undecided.problem) == (None, "undecided")
    assert "'35.700' (Amount, row 1)" in undecided.reason
    assert decide_number_format(_evidence("35.700", "7.500"), "eu").number_format == "eu"
    conflict = decide_number_format(_evidence("12,5", "0.25"))
    assert (conflict.number_format, conflict.problem) == (None, "conflict")
    named = decide_number_format(_evidence("12,5", "35.700"), "us")
    assert named.problem == "conflict" and "'12,5' (Amount, row 1) has a decimal comma" in named.reason


# --------------------------------------------------------------------------------------------
# The checks and the prepared copy
# --------------------------------------------------------------------------------------------
def _rewrite_amounts(folder: Path, change) -> None:
    """Rewrites the Amount column of the deal and history files of a report export, keeping
    how Salesforce writes the file (every value double-quoted, comma-delimited, the report
    footer below the rows)."""
    for name in ("Opportunity.csv", "OpportunityHistory.csv"):
        path = folder / name
        with path.open(newline="", encoding="utf-8") as handle:
            rows, footer = split_report_footer(list(csv.reader(handle)))
        at = rows[0].index("Amount")
        for number, row in enumerate(rows[1:], start=1):
            row[at] = change(name, number, row[at])
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows + footer)


def test_german_and_french_reports_are_read_as_decimal_comma(tmp_path):
    for variant in LOCALES:
        checked = preflight(REAL_TOOLS / variant)
        for name in ("Opportunity", "OpportunityHistory"):
            assert checked.files[name].number_format == "eu"
        assert any(
            note.startswith("Opportunity.csv: numbers in `Amount` read as European (decimal comma")
            for note in checked.notes
        )
        prepare_export(checked, tmp_path / variant)
        with (tmp_path / variant / "Opportunity.csv").open(newline="", encoding="utf-8") as handle:
            amounts = [row["Amount"] for row in csv.DictReader(handle)]
        assert amounts == ["10000.00", "5000.00", "20000.00", "8000.00", "7500.00", "3000.00"]


def test_whole_amounts_cannot_tell_their_format(tmp_path, capsys):
    # the German report with amounts in whole euros (a currency shown without decimals):
    # 10.000 is 10,000 in Germany and 10 in the US; nothing in the file says which
    export = tmp_path / "report_de_whole"
    shutil.copytree(REAL_TOOLS / "report_de", export)
    _rewrite_amounts(export, lambda _name, _row, value: value.removesuffix(",00"))
    with pytest.raises(ExportError) as err:
        preflight(export)
    message = str(err.value)
    assert "Opportunity.csv: its numbers (`Amount`) cannot tell their format" in message
    assert "OpportunityHistory.csv: its numbers (`Amount`) cannot tell their format" in message
    assert "'10.000' (Amount, row 1)" in message
    assert "`--number-format us` or `--number-format eu` (the dbt var `crm_number_format`)" in message
    # the export checks' command line says the same and stops (exit 2)
    from revops_kpis.export_checks import main as check_export

    assert check_export(["--export", str(export), "--report-dir", str(tmp_path / "report")]) == 2
    assert "--number-format" in capsys.readouterr().err
    # named, it is read
    checked = preflight(export, number_format="eu")
    prepare_export(checked, tmp_path / "prepared")
    with (tmp_path / "prepared" / "Opportunity.csv").open(newline="", encoding="utf-8") as handle:
        assert [row["Amount"] for row in csv.DictReader(handle)] == ["10000", "5000", "20000", "8000", "7500", "3000"]


def test_a_file_with_both_formats_is_refused(tmp_path):
    export = tmp_path / "mixed"
    shutil.copytree(REAL_TOOLS / "report_de", export)
    # one deal pasted in from a US user's export
    _rewrite_amounts(export, lambda name, row, value: "20,000.00" if (name, row) == ("Opportunity.csv", 3) else value)
    with pytest.raises(ExportError) as err:
        preflight(export)
    message = str(err.value)
    assert "Opportunity.csv: its numbers (`Amount`) are written in two formats" in message
    assert "'10.000,00' (Amount, row 1) has a decimal comma but '20,000.00' (Amount, row 3) a decimal point" in message
    assert "OpportunityHistory.csv" not in message
    with pytest.raises(ExportError, match="'20,000.00' \\(Amount, row 3\\) has a decimal point"):
        preflight(export, number_format="eu")


def test_us_thousands_and_accounting_negatives_are_read(tmp_path):
    export = tmp_path / "us_grouped"
    shutil.copytree(REAL_TOOLS / "data_loader", export)

    def grouped(name, row, value):
        if (name, row) == ("Opportunity.csv", 2):
            return "(5,000.00)"  # an accounting format's negative
        units, cents = value.split(".")
        return f"{int(units):,}.{cents}"

    _rewrite_amounts(export, grouped)
    checked = preflight(export)
    assert checked.files["Opportunity"].number_format == "us"
    prepare_export(checked, tmp_path / "prepared")
    with (tmp_path / "prepared" / "Opportunity.csv").open(newline="", encoding="utf-8") as handle:
        amounts = [row["Amount"] for row in csv.DictReader(handle)]
    assert amounts == ["10000.00", "-5000.00", "20000.00", "8000.00", "7500.00", "3000.00"]


def test_a_semicolon_delimited_excel_file_is_refused_with_the_fix(tmp_path):
    # Excel in a German or French locale saves "CSV" with semicolons (its list separator, as
    # the comma is the decimal mark): not read, the message says to convert the delimiter
    export = tmp_path / "excel_de"
    shutil.copytree(REAL_TOOLS / "report_de", export)
    path = export / "Opportunity.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    with path.open("w", newline="", encoding="cp1252") as handle:
        csv.writer(handle, delimiter=";", lineterminator="\r\n").writerows(rows)
    with pytest.raises(ExportError, match="Opportunity.csv: the header reads as a single column.*semicolon-delimited"):
        preflight(export)


# --------------------------------------------------------------------------------------------
# End to end: the command line on the German and French reports
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """variant -> (exit code, output, DuckDB file), each built once with the command line."""
    results = {}
    for variant, extra in LOCALES.items():
        work = tmp_path_factory.mktemp(variant)
        duckdb_path = work / "warehouse.duckdb"
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            code = main([
                "run", "--export", str(REAL_TOOLS / variant), "--duckdb", str(duckdb_path),
                "--vars", str({"as_of": "2025-07-01T00:00:00Z", **extra}),
            ])
        results[variant] = (code, out.getvalue(), duckdb_path)
    return results


def _fixture_amounts(variant: str) -> dict[str, Decimal]:
    """The deals' amounts read from the fixture file by hand (the rows above the report
    footer): the thousands separators taken out, the decimal comma made a point."""
    with (REAL_TOOLS / variant / "Opportunity.csv").open(newline="", encoding="utf-8") as handle:
        lines, _footer = split_report_footer(list(csv.reader(handle)))
    rows = [dict(zip(lines[0], line)) for line in lines[1:]]
    amounts = {}
    for row in rows:
        text = row["Amount"]
        for separator in (".", "\u202f", "\u00a0"):
            text = text.replace(separator, "")
        amounts[row["Id"]] = Decimal(text.replace(",", "."))
    return amounts


@pytest.mark.parametrize("variant", list(LOCALES))
def test_locale_reports_build_without_quarantine(runs, variant):
    code, out, duckdb_path = runs[variant]
    assert code == 0, out
    assert "numbers in `Amount` read as European (decimal comma" in out
    staged = dict(query(duckdb_path, "select object_name, staged_row_count from staging.stg_crm__row_accounting"))
    assert staged["Opportunity"] == 6 and staged["OpportunityHistory"] == 19
    assert query(duckdb_path, "select count(*) from staging.stg_crm__quarantine") == [(0,)]
    amounts = dict(query(duckdb_path, "select opportunity_id, amount from marts.dim_opportunities"))
    assert amounts == _fixture_amounts(variant)
    assert sum(amounts.values()) == Decimal("53500.00")  # 10,000 + 5,000 + 20,000 + 8,000 + 7,500 + 3,000


@pytest.mark.parametrize("variant", list(LOCALES))
def test_locale_reports_give_the_kpis_worked_out_by_hand(runs, variant):
    _code, _out, duckdb_path = runs[variant]
    rows = query(duckdb_path, """
        select period_start::varchar, won_count, lost_count, won_amount, win_rate, avg_deal_size_amount,
               commit_deal_count, commit_amount, commit_won_amount
        from marts.rpt_kpi_tier2_diagnostics
        where grain = 'company' and period_grain = 'quarter' and period_start in ('2025-01-01', '2025-04-01')
        order by period_start
    """)
    assert rows == [
        ("2025-01-01", 1, 1, Decimal("10000.00"), 0.5, 10000.0, 0, Decimal("0.00"), Decimal("0.00")),
        ("2025-04-01", 2, 0, Decimal("27500.00"), 1.0, 13750.0, 2, Decimal("28000.00"), Decimal("20000.00")),
    ]


def test_dbt_run_directly_reads_the_copies_check_export_prints(tmp_path, capsys):
    # dbt alone reads the export where it is: the German report's amounts and dates are then
    # quarantined (invalid_amount, invalid_timestamp), never read wrong; with the vars
    # check-export prints, it reads the converted copies like the command line
    import json

    from dbt_helpers import build
    from revops_kpis.export_checks import main as check_export

    assert check_export(["--export", str(REAL_TOOLS / "report_de"), "--report-dir", str(tmp_path / "report")]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "converted copies for dbt run directly" in x)
    printed = json.loads(line.split("--vars ", 1)[1].strip("'"))
    # User.csv too: its dates and numbers need nothing, but its report footer is dropped
    assert set(printed["crm_export_files"]) == {"Opportunity", "OpportunityHistory", "Account", "User"}
    duckdb_path = build(REAL_TOOLS / "report_de", tmp_path / "work", extra_vars={
        **printed, "crm_export_timezone": "Europe/Berlin", "as_of": "2025-07-01T00:00:00Z",
    })
    assert query(duckdb_path, "select count(*) from staging.stg_crm__quarantine") == [(0,)]
    amounts = dict(query(duckdb_path, "select opportunity_id, amount from staging.stg_crm__opportunities"))
    assert amounts == _fixture_amounts("report_de")
