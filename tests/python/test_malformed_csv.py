"""Malformed CSV files: the export checks name the file, the line and the fix before dbt runs,
and what is legitimate (a very long value, a zero-byte optional file, Windows-1252 bytes) is
read. Every case is built from the small fixture export."""

from __future__ import annotations

import csv
import subprocess
import sys

import pytest

from revops_kpis.dbt_project import DbtRunError
from revops_kpis.export_checks import ExportError, preflight
from revops_kpis.export_prepare import prepare_export
from revops_kpis.export_spec import PROJECT_ROOT

from dbt_helpers import accounting, build, copy_export, query, read_rows, write_rows

# object -> (raw, staged, deleted, duplicate, quarantined) of the small fixture (test_staging_e2e)
SMALL_OPPORTUNITY = (10, 4, 1, 1, 4)
SMALL_ACCOUNT = (2, 2, 0, 0, 0)


def check_export(export) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "revops_kpis.export_checks", "--export", str(export)],
        capture_output=True, text=True, cwd=PROJECT_ROOT, check=False,
    )


def export_error(export) -> str:
    with pytest.raises(ExportError) as err:
        preflight(export)
    return str(err.value)


def test_an_unquoted_comma_in_a_name_stops_the_run_naming_the_line(tmp_path):
    export = copy_export("small", tmp_path / "export")
    path = export / "Account.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace(",Globex,", ",Fabrikam, Foods Inc.,")  # the second data row
    path.write_text("".join(lines), encoding="utf-8")
    assert export_error(export) == (
        "Account.csv: 1 row does not split into the header's 4 fields, so its values cannot be "
        "matched to the columns (line numbers are the file's lines; line 1 is the header):\n"
        "  - line 3: 5 fields instead of 4: more fields than the header: a value with a comma "
        "that is not enclosed in double quotes (`Fabrikam, Foods Inc.` instead of "
        "`\"Fabrikam, Foods Inc.\"`).\n"
        "Fix: Enclose every value that holds a comma, a double quote or a line break in double "
        "quotes (and double the quotes inside it), or export the object again with Data Loader, "
        "which does. Nothing is built until every row has 4 fields."
    )
    # the command line exits 2, as for every file that cannot be read
    result = check_export(export)
    assert result.returncode == 2
    assert "Account.csv: 1 row does not split" in result.stderr + result.stdout
    assert "line 3: 5 fields instead of 4" in result.stderr + result.stdout


def test_a_cut_off_last_line_is_a_cut_off_export(tmp_path):
    export = copy_export("small", tmp_path / "export")
    path = export / "Opportunity.csv"
    data = path.read_bytes()
    path.write_bytes(data[:-40])  # the download stopped 40 bytes short
    last_line = data[:-40].count(b"\n") + 1
    message = export_error(export)
    assert message == (
        "Opportunity.csv: 1 row does not split into the header's 15 fields, so its values cannot "
        "be matched to the columns (line numbers are the file's lines; line 1 is the header):\n"
        f"  - line {last_line}: 10 fields instead of 15: the last row stops short and the file does "
        "not end with a line break: the file was cut off (an interrupted download, copy or "
        "export).\n"
        "Fix: Export the object again; a complete file ends with a line break. Nothing is built "
        "until every row has 15 fields."
    )
    assert last_line == 11  # header + 10 rows, the last one cut


def test_a_last_line_cut_inside_a_quoted_value_is_cut_off_too(tmp_path):
    export = copy_export("small", tmp_path / "export")
    path = export / "Account.csv"
    path.write_text('Id,Name,OwnerId,CreatedDate\n001000000000001AAA,"Acme, In', encoding="utf-8")
    message = export_error(export)
    assert "  - line 2: the last row stops short and the file does not end with a line break" in message


def test_an_unclosed_quote_running_to_the_end_of_the_file_names_its_lines(tmp_path):
    export = copy_export("small", tmp_path / "export")
    path = export / "Opportunity.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[4] = lines[4].replace(",Globex rollout,", ',"Globex rollout,', 1)  # line 5, never closed
    path.write_text("".join(lines), encoding="utf-8")  # ends with a line break: not cut off
    message = export_error(export)
    assert (
        "Opportunity.csv: 1 row does not split into the header's 15 fields, so its values cannot be "
        "matched to the columns (line numbers are the file's lines; line 1 is the header):\n"
        "  - lines 5-11: a double quote opens a value that is not closed where the value ends, so "
        "the lines after it read as part of that one value.\n"
        "Fix: Close the quoted value, or double a double quote that is part of the value (`\"\"`). "
        "Nothing is built until every row has 15 fields."
    ) == message


def test_text_after_a_closing_quote_names_its_line(tmp_path):
    export = copy_export("small", tmp_path / "export")
    path = export / "Account.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace('"Acme, Inc."', '"Acme, Inc." (EMEA)')
    path.write_text("".join(lines), encoding="utf-8")
    assert "  - line 2: text after the double quote that closes a value (`\"abc\"def`)." in export_error(export)


def test_every_malformed_row_of_every_file_is_reported_at_once(tmp_path):
    export = copy_export("small", tmp_path / "export")
    header, rows = read_rows(export / "User.csv")
    with (export / "User.csv").open("a", encoding="utf-8", newline="") as handle:
        handle.write("005000000000091AAA,Short\n")  # line len(rows) + 2
        handle.write(",".join(["005000000000092AAA"] + ["x"] * len(header)) + "\n")  # one too many
    # an opening quote closed lines later, with text after it: the lines between are one value
    path = export / "OpportunityHistory.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace(",Prospecting,", ',"Prospecting,', 1)
    lines[5] = lines[5].replace(",Qualification,", ',Qualification"x,', 1)
    path.write_text("".join(lines), encoding="utf-8")
    message = export_error(export)
    first = len(rows) + 2
    assert f"  - line {first}: 2 fields instead of {len(header)}: fewer fields than the header" in message
    assert f"  - line {first + 1}: {len(header) + 1} fields instead of {len(header)}: more fields" in message
    assert "User.csv: 2 rows do not split" in message
    assert (
        "OpportunityHistory.csv: 1 row does not split" in message
        and "  - lines 4-6: a double quote opens a value that is not closed where the value ends" in message
    )
    assert message.index("OpportunityHistory.csv") < message.index("User.csv")  # by file


def test_a_row_with_a_quoted_line_break_is_one_row(tmp_path):
    # legitimate: a line break inside a quoted value (a description); lines and rows differ
    export = copy_export("small", tmp_path / "export")
    header, rows = read_rows(export / "Account.csv")
    rows[0]["Name"] = "Acme,\nInc."
    write_rows(export / "Account.csv", header, rows)
    checked = preflight(export)
    assert checked.files["Account"].rows == 2 and checked.files["Account"].rows_exact


def test_a_3_mb_value_is_read_by_the_checks_and_by_dbt(tmp_path):
    export = copy_export("small", tmp_path / "export")
    header, rows = read_rows(export / "Opportunity.csv")
    for row in rows:  # every row, so whichever rows are staged carry it
        row["Name"] = "x" * 3_000_000
    write_rows(export / "Opportunity.csv", header, rows)
    checked = preflight(export)
    assert checked.files["Opportunity"].rows == 10
    duckdb_path = build(export, tmp_path / "work")
    assert accounting(duckdb_path)["Opportunity"] == SMALL_OPPORTUNITY
    lengths = query(
        duckdb_path,
        "select max(length(opportunity_name)) from staging.stg_crm__opportunities",
    )
    assert lengths == [(3_000_000,)]


def test_a_zero_byte_optional_file_is_an_absent_object(tmp_path):
    export = copy_export("small", tmp_path / "export")
    (export / "Lead.csv").write_bytes(b"")
    (export / "Account.csv").write_bytes(b"")
    checked = preflight(export)
    assert checked.files["Lead"].empty and checked.files["Account"].empty
    assert "Account.csv is empty (no header, no rows); the optional object Account will have no rows." in (
        checked.warnings
    )
    # dbt run directly reads a zero-byte optional file as an absent object too
    duckdb_path = build(export, tmp_path / "work")
    counts = accounting(duckdb_path)
    assert counts["Account"] == (0, 0, 0, 0, 0) and counts["Lead"] == (0, 0, 0, 0, 0)
    assert counts["Opportunity"] == SMALL_OPPORTUNITY


def test_a_zero_byte_required_file_stops_dbt_naming_the_fix(tmp_path):
    export = copy_export("small", tmp_path / "export")
    (export / "OpportunityHistory.csv").write_bytes(b"")
    assert "OpportunityHistory.csv: the file is empty (0 bytes: no header, no rows)" in export_error(export)
    with pytest.raises(DbtRunError) as err:  # dbt run directly, without the checks
        build(export, tmp_path / "work")
    assert (
        f"The export file {export}/OpportunityHistory.csv is empty (no header, no rows), and "
        "OpportunityHistory is a required object. The export of OpportunityHistory failed or was "
        "interrupted: export it again (a file with no OpportunityHistory records still has its "
        "header line)."
    ) in " ".join(str(err.value).split())


def test_windows_1252_characters_reach_the_warehouse(tmp_path):
    # 0x80 (euro sign), 0x93 / 0x94 (curly quotes) exist in Windows-1252 only; Latin-1 holds
    # control characters there. The run reads such lines as Windows-1252, also when the
    # encoding is named latin-1, and dbt reads the UTF-8 copy it prepares.
    name = "\u201cEuro\u201d \u20ac Soci\u00e9t\u00e9"
    for encoding in ("auto", "latin-1"):
        export = copy_export("small", tmp_path / encoding / "export")
        header, rows = read_rows(export / "Account.csv")
        rows[1]["Name"] = name
        write_rows(export / "Account.csv", header, rows, encoding="cp1252")
        assert b"\x93Euro\x94 \x80 Soci\xe9t\xe9" in (export / "Account.csv").read_bytes()
        checked = preflight(export, encoding=encoding)
        assert checked.files["Account"].fallback_lines == 1
        files = prepare_export(checked, tmp_path / encoding / "prepared")
        with open(files["Account"], encoding="utf-8", newline="") as handle:
            assert list(csv.reader(handle))[2][1] == name
        duckdb_path = build(
            export, tmp_path / encoding / "work",
            extra_vars={"crm_export_files": files, "crm_export_encoding": "utf-8"},
        )
        names = query(duckdb_path, "select account_name from staging.stg_crm__accounts order by account_id")
        assert names == [("Acme, Inc.",), (name,)]
        assert accounting(duckdb_path)["Account"] == SMALL_ACCOUNT
