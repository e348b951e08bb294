"""Tests for revops_kpis.export_checks: preflight, the Great Expectations suite, reports, CLI.

Every export here is a tiny hand-written folder in a tmp dir, built from the export contract
(`load_spec()`), so the tests follow the contract when it changes. GX is slow to import (a few
seconds), so the valid export is validated once per module and shared.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from revops_kpis import export_checks as ec  # noqa: E402
from revops_kpis.export_checks import _preflight  # noqa: E402
from revops_kpis.export_checks import (  # noqa: E402
    ExportError,
    format_summary,
    preflight,
    validate_export,
)
from revops_kpis.export_spec import load_spec  # noqa: E402

SPEC = load_spec()
PII = "leaky.person+zq7@example.com"  # a value that must never reach a report

# One valid value per contract type; ids are made unique per row below.
VALID = {
    "string": "Prospecting",
    "timestamp": "2025-03-05T14:22:11.000Z",
    "date": "2025-03-05",
    "amount": "12500.00",
    "number": "20",
    "integer": "3",
    "boolean": "true",
    "forecast_category": "Commit",
    "currency_code": "USD",
}
ID_PREFIX = {
    "Opportunity": "006",
    "OpportunityHistory": "008",
    "User": "005",
    "Account": "001",
    "Task": "00T",
    "Event": "00U",
    "Lead": "00Q",
}


def sf_id(prefix: str, i: int, length: int = 18) -> str:
    core = f"{prefix}{i:012d}"
    return core + "AAA" if length == 18 else core


def snake(api_name: str) -> str:
    out = []
    for j, ch in enumerate(api_name):
        if ch.isupper() and j and api_name[j - 1].islower():
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


def object_rows(obj: str, n: int, columns: list) -> list[list[str]]:
    prefix = ID_PREFIX.get(obj, "0XX")
    rows = []
    for i in range(n):
        row = []
        for col in columns:
            if col.name == "id":
                row.append(sf_id(prefix, i, 18 if i % 2 else 15))
            elif col.type == "id":
                row.append(sf_id("005", i % 7))
            elif col.name == "email":
                row.append(f"user{i}@example.com")
            else:
                row.append(VALID[col.type])
        rows.append(row)
    return rows


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding="utf-8", delimiter=","):
    with path.open("w", newline="", encoding=encoding) as fh:
        writer = csv.writer(fh, delimiter=delimiter, quotechar='"', quoting=csv.QUOTE_MINIMAL)
        writer.writerow(header)
        writer.writerows(rows)


def make_export(
    root: Path,
    rows: int = 3,
    objects: list[str] | None = None,
    header_style: str = "api",
    required_columns_only: bool = False,
) -> Path:
    """A minimal valid export: the required objects plus User and Account, as a full export
    has them (or `objects`), with a few valid rows."""
    root.mkdir(parents=True, exist_ok=True)
    names = objects or [o for o, s in SPEC.items() if s.required] + ["User", "Account"]
    for obj in names:
        columns = [c for c in SPEC[obj].columns if c.required or not required_columns_only]
        header = [c.api_name if header_style == "api" else snake(c.api_name) for c in columns]
        write_csv(root / f"{obj}.csv", header, object_rows(obj, rows, columns))
    return root


def read_table(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as fh:
        data = list(csv.reader(fh))
    return data[0], data[1:]


def set_column(path: Path, column: str, values: dict[int, str]) -> None:
    header, rows = read_table(path)
    j = header.index(column)
    for i, v in values.items():
        rows[i][j] = v
    write_csv(path, header, rows)


def outcome(validation, obj: str, expectation_type: str, column: str | None):
    for o in validation.object(obj).outcomes:
        if o.expectation_type == expectation_type and o.column == column:
            return o
    raise AssertionError(f"no {expectation_type} on {obj}.{column}")


# ------------------------------------------------------------------------------------------
# Shared: one valid export with a few optional objects, validated once
# ------------------------------------------------------------------------------------------
OPTIONAL_PRESENT = ["Task", "OpportunityStage"]


@pytest.fixture(scope="module")
def valid_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("valid")
    export = make_export(
        root / "export",
        rows=20,
        objects=[o for o, s in SPEC.items() if s.required] + OPTIONAL_PRESENT,
    )
    validation = validate_export(export, root / "report")
    return export, validation


# ------------------------------------------------------------------------------------------
# Valid exports
# ------------------------------------------------------------------------------------------
def test_valid_export_passes(valid_run):
    export, v = valid_run
    assert v.success, format_summary(v)
    assert {o.object_name for o in v.objects} == {o for o, s in SPEC.items() if s.required} | set(OPTIONAL_PRESENT)
    assert all(o.rows_validated == 20 and not o.sampled for o in v.objects)
    types = {e.expectation_type for _, e in v.expectations}
    assert {
        "expect_column_to_exist",
        "expect_table_row_count_to_be_between",
        "expect_column_values_to_match_regex",
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_unique",
    } <= types
    # the contract drives the suite: every typed column present gets a format check
    opp = v.object("Opportunity")
    regex_cols = {e.column for e in opp.outcomes if e.expectation_type == "expect_column_values_to_match_regex"}
    typed = {c.api_name for c in SPEC["Opportunity"].columns if c.type in ec.TYPE_REGEXES}
    assert regex_cols == typed
    assert outcome(v, "Opportunity", "expect_column_values_to_not_be_null", "StageName").success


def test_reports_written(valid_run):
    _, v = valid_run
    md = v.markdown_path.read_text()
    data = json.loads(v.json_path.read_text())
    assert v.markdown_path.name == "export_checks.md" and v.json_path.name == "export_checks.json"
    assert md.startswith("# CRM export checks") and "**Result: PASSED**" in md
    assert "## Opportunity - `Opportunity.csv` - PASSED" in md
    assert "| Expectation | Column | Check | Result | Unexpected % | Details |" in md
    assert data["success"] is True
    assert data["summary"]["failed"] == 0 and data["summary"]["passed"] == len(v.expectations)
    opp = next(o for o in data["objects"] if o["object"] == "Opportunity")
    first = opp["expectations"][0]
    assert {"expectation_type", "column", "success", "unexpected_count", "unexpected_percent"} <= set(first)


def test_format_summary(valid_run):
    _, v = valid_run
    text = format_summary(v)
    assert "PASSED" in text and "objects checked: 4" in text  # the 2 required objects, Task, OpportunityStage
    assert "rows validated:  80" in text
    assert str(v.markdown_path) in text
    assert len(text.splitlines()) < 12


def test_missing_optional_object_is_fine_and_listed(valid_run):
    export, v = valid_run
    pf = preflight(export)
    assert "Lead" in pf.missing_optional_objects and "Event" in pf.missing_optional_objects
    assert "Task" not in pf.missing_optional_objects
    assert "Lead" in v.preflight.missing_optional_objects
    assert "Lead" in v.markdown_path.read_text()
    assert "Lead" in json.loads(v.json_path.read_text())["preflight"]["missing_optional_objects"]


def test_snake_case_headers_pass(tmp_path):
    export = make_export(tmp_path / "export", header_style="snake")
    header, _ = read_table(export / "Opportunity.csv")
    assert "stage_name" in header and "close_date" in header
    pf = preflight(export)
    assert pf.files["Opportunity"].columns["StageName"] == "stage_name"
    v = validate_export(export, tmp_path / "report")
    assert v.success, format_summary(v)


def test_file_names_and_headers_are_case_insensitive(tmp_path):
    export = make_export(tmp_path / "export")
    (export / "Opportunity.csv").rename(export / "opportunity.CSV")
    header, rows = read_table(export / "opportunity.CSV")
    write_csv(export / "opportunity.CSV", [h.upper() for h in header], rows)
    pf = preflight(export)
    assert pf.files["Opportunity"].path.name == "opportunity.CSV"


def test_loss_reason_field_var(tmp_path):
    export = make_export(tmp_path / "export")
    header, rows = read_table(export / "Opportunity.csv")
    header[header.index("Loss_Reason__c")] = "Closed_Lost_Reason__c"
    write_csv(export / "Opportunity.csv", header, rows)
    assert "Loss_Reason__c" in preflight(export).files["Opportunity"].missing_optional_columns
    pf = preflight(export, loss_reason_field="Closed_Lost_Reason__c")
    assert pf.files["Opportunity"].columns["Closed_Lost_Reason__c"] == "Closed_Lost_Reason__c"


def test_parquet_object_passes(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    export = make_export(tmp_path / "export", rows=5)
    header, rows = read_table(export / "Account.csv")
    (export / "Account.csv").unlink()
    table = pa.table({h: [r[j] for r in rows] for j, h in enumerate(header)})
    # typed columns as a warehouse would write them
    import datetime as dt

    table = table.set_column(
        header.index("CreatedDate"),
        "CreatedDate",
        pa.array([dt.datetime(2025, 3, 5, 14, 22, 11, tzinfo=dt.timezone.utc)] * 5, pa.timestamp("ms", tz="UTC")),
    )
    table = table.set_column(header.index("IsDeleted"), "IsDeleted", pa.array([False, True, None, False, False]))
    pq.write_table(table, export / "Account.parquet")
    pf = preflight(export)
    assert pf.files["Account"].format == "parquet" and pf.files["Account"].rows == 5
    v = validate_export(export, tmp_path / "report")
    assert v.success, format_summary(v)


# ------------------------------------------------------------------------------------------
# Preflight errors
# ------------------------------------------------------------------------------------------
def test_missing_folder_and_empty_folder(tmp_path):
    with pytest.raises(ExportError, match="does not exist"):
        preflight(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ExportError, match="empty"):
        preflight(tmp_path / "empty")


def test_missing_required_file_names_it(tmp_path):
    export = make_export(tmp_path / "export")
    (export / "Opportunity.csv").unlink()
    with pytest.raises(ExportError) as err:
        preflight(export)
    msg = str(err.value)
    assert "Opportunity.csv" in msg
    assert "User.csv" in msg  # lists the files it did find


def test_snake_case_file_name_gets_a_rename_hint(tmp_path):
    export = make_export(tmp_path / "export")
    (export / "OpportunityHistory.csv").rename(export / "opportunity_history.csv")
    with pytest.raises(ExportError, match="rename it to OpportunityHistory.csv"):
        preflight(export)


def test_row_estimate_without_trailing_newline(tmp_path):
    export = make_export(tmp_path / "export", rows=7)
    path = export / "Account.csv"
    path.write_bytes(path.read_bytes().rstrip(b"\r\n"))
    pf = preflight(export)
    assert pf.files["Account"].rows == 7 and pf.files["Opportunity"].rows == 7


def test_missing_required_column_names_file_and_column(tmp_path):
    export = make_export(tmp_path / "export")
    header, rows = read_table(export / "OpportunityHistory.csv")
    j = header.index("CloseDate")
    write_csv(
        export / "OpportunityHistory.csv",
        header[:j] + header[j + 1 :],
        [r[:j] + r[j + 1 :] for r in rows],
    )
    with pytest.raises(ExportError) as err:
        preflight(export)
    msg = str(err.value)
    assert "OpportunityHistory.csv" in msg and "CloseDate" in msg
    # which KPIs need it, from the column's needed_for in the sources file
    assert f"`CloseDate` is needed for {SPEC['OpportunityHistory'].column('close_date').needed_for}." in msg
    assert "pipeline coverage, slippage" in msg
    assert "OpportunityId" in msg  # the header it found


def test_semicolon_delimited_file(tmp_path):
    export = make_export(tmp_path / "export")
    header, rows = read_table(export / "Account.csv")
    write_csv(export / "Account.csv", header, rows, delimiter=";")
    with pytest.raises(ExportError) as err:
        preflight(export)
    msg = str(err.value)
    assert "Account.csv" in msg and "semicolon" in msg


@pytest.mark.parametrize("delimiter, word", [("\t", "tab"), ("|", "pipe")])
def test_other_delimiters(tmp_path, delimiter, word):
    export = make_export(tmp_path / "export")
    header, rows = read_table(export / "User.csv")
    write_csv(export / "User.csv", header, rows, delimiter=delimiter)
    with pytest.raises(ExportError, match=word) as err:
        preflight(export)
    assert "User.csv" in str(err.value)


def test_binary_junk_names_the_file(tmp_path):
    import random

    export = make_export(tmp_path / "export")
    rnd = random.Random(7)
    junk = bytes(rnd.randrange(256) for _ in range(4096)) + b"\x00\xff\xfe\x00"
    (export / "Account.csv").write_bytes(junk)
    with pytest.raises(ExportError) as err:
        preflight(export)
    assert "Account.csv" in str(err.value)


def test_a_nul_byte_in_a_row_is_read_with_a_warning(tmp_path):
    # a rich-text field can hold a NUL byte: the file is text, the byte is read as it is
    export = make_export(tmp_path / "export", rows=50)
    header, _ = read_table(export / "User.csv")
    with (export / "User.csv").open("ab") as fh:  # a whole row: every field of the header
        fh.write(b"005000000000099AAA,bad\x00row" + b"," * (len(header) - 2) + b"\n")
    pf = preflight(export)
    assert pf.files["User"].nul_bytes == 1 and pf.files["User"].first_nul_line == 52
    assert any("User.csv" in w and "NUL" in w and "line 52" in w for w in pf.warnings)


def test_invalid_utf8_deep_in_a_large_file_reports_offset(tmp_path, monkeypatch):
    monkeypatch.setattr(_preflight, "CHUNK_BYTES", 1000)  # force many chunks
    export = make_export(tmp_path / "export", rows=200)
    path = export / "Account.csv"
    data = path.read_bytes()
    # multi-byte characters straddling chunk boundaries are fine ...
    text = data.decode().replace("Prospecting", "Prösp€cting")
    path.write_bytes(text.encode())
    preflight(export)
    # ... a lone continuation byte is not UTF-8: read as Windows-1252 (the default, auto) ...
    raw = path.read_bytes()
    pos = len(raw) - 100
    path.write_bytes(raw[:pos] + b"\x80" + raw[pos:])
    line = raw[:pos].count(b"\n") + 1
    account = preflight(export).files["Account"]
    assert account.fallback_lines == 1 and account.first_fallback_line == line and account.needs_preparing
    # ... or refused, naming the byte, when the encoding is named utf-8
    with pytest.raises(ExportError) as err:
        preflight(export, encoding="utf-8")
    msg = str(err.value)
    assert "Account.csv" in msg and f"byte offset {pos}" in msg and f"line {line}" in msg


def test_latin1_file_is_read_and_converted(tmp_path):
    export = make_export(tmp_path / "export", rows=5)
    header, rows = read_table(export / "Account.csv")
    rows[2][header.index("Name")] = "Société Générale Müller"
    write_csv(export / "Account.csv", header, rows, encoding="latin-1")
    pf = preflight(export)
    assert pf.files["Account"].fallback_lines == 1 and pf.files["Account"].first_fallback_line == 4
    assert pf.notes == [
        "Account.csv: 1 line(s) are not UTF-8 (the first is line 4); read as Windows-1252 (Latin-1) "
        "and converted to UTF-8."
    ]
    v = validate_export(export, tmp_path / "report")
    assert v.success, format_summary(v)
    copy = Path(v.export_files["Account"])
    assert copy.parent == tmp_path / "report" / "prepared"
    assert "Société Générale Müller" in copy.read_text(encoding="utf-8")
    # named utf-8: refused with the line and the option that reads it
    with pytest.raises(ExportError) as err:
        preflight(export, encoding="utf-8")
    msg = str(err.value)
    assert "Account.csv" in msg and "line 4" in msg and "--encoding auto" in msg


def test_unclosed_quote_is_an_export_error(tmp_path):
    export = make_export(tmp_path / "export", rows=5)
    with (export / "Account.csv").open("a") as fh:
        fh.write('001000000000777AAA,"Unclosed name,005000000000001AAA,2025-03-05\n')
    with pytest.raises(ExportError) as err:
        validate_export(export, tmp_path / "report")
    assert "Account.csv" in str(err.value) and "quote" in str(err.value)


def test_two_files_for_one_object(tmp_path):
    export = make_export(tmp_path / "export")
    (export / "Opportunity.parquet").write_bytes(b"PAR1")
    with pytest.raises(ExportError) as err:
        preflight(export)
    msg = str(err.value)
    assert "Opportunity.csv" in msg and "Opportunity.parquet" in msg


def test_colliding_headers_warn_and_the_first_is_read(tmp_path):
    # as the dbt landing macro (and DuckDB, which renames a repeated header): headers are
    # matched by key and the first one wins
    export = make_export(tmp_path / "export", rows=20)
    header, rows = read_table(export / "Account.csv")
    write_csv(export / "Account.csv", header + ["owner_id"], [r + ["not-an-id"] for r in rows])
    pf = preflight(export)
    assert pf.files["Account"].columns["OwnerId"] == "OwnerId"
    assert any("Account.csv" in w and "the first one, 'OwnerId', is read" in w for w in pf.warnings)
    v = validate_export(export, tmp_path / "report")
    assert outcome(v, "Account", "expect_column_values_to_match_regex", "OwnerId").success
    # and the same when the later copy is the valid one
    write_csv(export / "Account.csv", ["owner_id"] + header, [["not-an-id"] + r for r in rows])
    v = validate_export(export, tmp_path / "report2")
    assert not outcome(v, "Account", "expect_column_values_to_match_regex", "OwnerId").success


def test_a_column_written_twice_is_read_at_its_first_copy_everywhere(tmp_path, capsys):
    # an exact repeat (a report with the field added twice): the checks, the GX suite and the
    # prepared copy all read the first copy, as dbt does, and the warning names file and column
    import shutil

    from dbt_helpers import split_report_footer
    from revops_kpis.export_prepare import prepare_export

    export = tmp_path / "export"
    shutil.copytree(PROJECT_ROOT / "tests" / "fixtures" / "exports" / "real_tools" / "report_de", export)
    path = export / "Opportunity.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows, footer = split_report_footer(list(csv.reader(handle)))
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(
            [rows[0] + ["Amount"]] + [r + ["n/a"] for r in rows[1:]] + footer
        )
    warning = "Opportunity.csv: 2 columns all mean `Amount` ('Amount', 'Amount'); "
    pf = preflight(export)
    assert any(w.startswith(warning) and "the first one, 'Amount', is read" in w for w in pf.warnings)
    assert pf.files["Opportunity"].number_format == "eu"  # from the first copy's 10.000,00
    prepare_export(pf, tmp_path / "prepared")
    with (tmp_path / "prepared" / "Opportunity.csv").open(newline="", encoding="utf-8") as handle:
        prepared = list(csv.reader(handle))
    assert prepared[0].count("Amount") == 1
    assert [row[prepared[0].index("Amount")] for row in prepared[1:3]] == ["10000.00", "5000.00"]
    v = validate_export(export, tmp_path / "report")
    assert outcome(v, "Opportunity", "expect_column_values_to_match_regex", "Amount").success
    # printed by check-export
    assert ec.main(["--export", str(export), "--report-dir", str(tmp_path / "report2")]) == 0
    assert f"warning: {warning}" in capsys.readouterr().out


def test_gzipped_csv(tmp_path):
    import gzip

    export = make_export(tmp_path / "export", rows=30)
    path = export / "OpportunityHistory.csv"
    (export / "OpportunityHistory.csv.gz").write_bytes(gzip.compress(path.read_bytes()))
    path.unlink()
    pf = preflight(export)
    assert pf.files["OpportunityHistory"].compression == "gzip"
    assert pf.files["OpportunityHistory"].rows == 30
    v = validate_export(export, tmp_path / "report")
    assert v.success and v.object("OpportunityHistory").rows_validated == 30
    (export / "OpportunityHistory.csv.gz").write_bytes(b"not gzip at all")
    with pytest.raises(ExportError, match="OpportunityHistory.csv.gz"):
        preflight(export)


def test_several_problems_in_one_error(tmp_path):
    export = make_export(tmp_path / "export")
    for name in ("Opportunity", "OpportunityHistory"):
        header, rows = read_table(export / f"{name}.csv")
        j = header.index("StageName")
        write_csv(export / f"{name}.csv", header[:j] + header[j + 1 :], [r[:j] + r[j + 1 :] for r in rows])
    with pytest.raises(ExportError) as err:
        preflight(export)
    assert len(err.value.problems) == 2
    assert "Opportunity.csv" in str(err.value) and "OpportunityHistory.csv" in str(err.value)


def test_user_and_account_are_optional_objects(tmp_path):
    # a report export: no User, no Account
    export = make_export(tmp_path / "export")
    (export / "User.csv").unlink()
    (export / "Account.csv").unlink()
    pf = preflight(export)
    assert {"User", "Account"} <= set(pf.missing_optional_objects)


def test_header_only_and_empty_files_warn(tmp_path):
    export = make_export(
        tmp_path / "export", objects=[o for o, s in SPEC.items() if s.required] + ["User", "Account", "Lead"]
    )
    header, _ = read_table(export / "OpportunityHistory.csv")
    write_csv(export / "OpportunityHistory.csv", header, [])
    header, _ = read_table(export / "Account.csv")
    write_csv(export / "Account.csv", header, [])
    (export / "Lead.csv").write_bytes(b"")
    opportunities = (export / "Opportunity.csv").read_bytes()
    (export / "Opportunity.csv").write_bytes(b"")
    # a zero-byte required file is a failed export, not an object without rows: it stops the
    # run (nothing to validate); an optional one is an absent object
    with pytest.raises(ExportError) as err:
        preflight(export)
    assert str(err.value) == (
        "Opportunity.csv: the file is empty (0 bytes: no header, no rows), and Opportunity is a "
        "required object. The export of Opportunity failed or was interrupted: export it again "
        "(a file with no Opportunity records still has its header line)."
    )
    (export / "Opportunity.csv").write_bytes(opportunities)
    pf = preflight(export)
    assert pf.files["OpportunityHistory"].header_only and pf.files["Account"].header_only and pf.files["Lead"].empty
    assert all(any(f"{name}.csv" in w for w in pf.warnings) for name in ("OpportunityHistory", "Account", "Lead"))
    v = validate_export(export, tmp_path / "report")
    assert not v.success  # a required object without rows fails its row-count expectation
    assert not outcome(v, "OpportunityHistory", "expect_table_row_count_to_be_between", None).success
    # an optional object without rows is no failure: header-only or empty, it is read as an
    # absent object (dbt gets '' for it in crm_export_files) and not validated
    assert {"Account", "Lead"}.isdisjoint(o.object_name for o in v.objects)
    assert v.export_files == {"Account": "", "Lead": ""}


# ------------------------------------------------------------------------------------------
# Value-level expectations and `mostly`
# ------------------------------------------------------------------------------------------
def test_half_bad_close_dates_fail(tmp_path):
    export = make_export(tmp_path / "export", rows=100)
    set_column(export / "Opportunity.csv", "CloseDate", {i: "end of Q4" for i in range(0, 100, 2)})
    v = validate_export(export, tmp_path / "report")
    assert not v.success
    date = outcome(v, "Opportunity", "expect_column_values_to_match_regex", "CloseDate")
    assert not date.success and date.unexpected_count == 50 and date.unexpected_percent == 50.0
    assert date.sample_values == ["end of Q4"]  # non-personal object: distinct values shown
    assert date.sample_rows[:3] == [1, 3, 5]  # 1 = first data row
    assert [f for _, f in v.failed] == [date]
    summary = format_summary(v)
    assert "FAILED" in summary and "Opportunity.CloseDate" in summary
    md = v.markdown_path.read_text()
    assert "**FAIL**" in md and "50.00%" in md


def test_one_bad_row_in_a_hundred_passes(tmp_path):
    export = make_export(tmp_path / "export", rows=100)
    set_column(export / "Opportunity.csv", "CloseDate", {17: "not a date"})
    v = validate_export(export, tmp_path / "report", mostly=0.95)
    assert v.success, format_summary(v)
    date = outcome(v, "Opportunity", "expect_column_values_to_match_regex", "CloseDate")
    assert date.success and date.unexpected_count == 1 and date.sample_rows == [18]
    strict = validate_export(export, tmp_path / "report_strict", mostly=1.0, allow_bad_rows=0)
    assert not strict.success


def test_value_formats_and_nulls(tmp_path):
    export = make_export(tmp_path / "export", rows=12)
    values = {
        "CreatedDate": ["2025-03-05T14:22:11.000+0000", "2025-03-05T14:22:11+02:00", "2025-03-05 14:22:11", "2025-03-05", "NULL", ""],
        "IsWon": ["TRUE", "False", "1", "0", "t", "no", "Y", " n "],
        "Amount": ["-3", "20", "0.5", "12500.", "null", "", " 12500.00 ", "1.5e3"],
        "Probability": ["10", "10.5", "-1", "100", "", "Null", "  NULL "],
        "CloseDate": ["2025-03-05", "2025-03-05T00:00:00.000Z", " 2025-12-31 "],
    }
    for column, vals in values.items():
        set_column(export / "Opportunity.csv", column, dict(enumerate(vals)))
    v = validate_export(export, tmp_path / "report", mostly=1.0, allow_bad_rows=0)
    assert v.success, format_summary(v)
    ts = outcome(v, "Opportunity", "expect_column_values_to_match_regex", "CreatedDate")
    assert ts.element_count == 12 and ts.unexpected_count == 0


@pytest.mark.parametrize(
    "kind, good, bad",
    [
        ("id", ["0065g00000AbcdEAAR", "0065g00000AbcdE"], ["0065g00000AbcdEAA", "006-5g00000AbcdE", "x"]),
        (
            "timestamp",
            ["2025-03-05T14:22:11.000Z", "2025-03-05T14:22:11.000+0000", "2025-03-05T14:22:11+02:00",
             "2025-03-05 14:22:11", "2025-03-05", "2025-03-05T14:22"],
            ["yesterday", "05/03/2025 14:22", "2025-03-05T25:00:00Z", "2025-13-01"],
        ),
        ("date", ["2025-03-05", "2025-03-05T00:00:00.000Z"], ["2025-02-30x", "31/12/2025", "2025-13-45", "20250305"]),
        ("amount", ["12500.00", "-3", "20", ".5", "1.5e3", "12500."], ["12,500.00", "$100", "12k", "1.2.3", "-"]),
        ("integer", ["3", "-3", "+20"], ["3.5", "3e2", "three"]),
        ("boolean", ["true", "FALSE", "1", "0", "t", "F", "yes", "No", "y", "N"], ["2", "maybe", "truee"]),
    ],
)
def test_type_regexes(kind, good, bad):
    import re

    pattern = re.compile(ec.TYPE_REGEXES[kind])
    assert pattern.groups == 0  # capture groups make pandas warn on every check
    assert [v for v in good if not pattern.search(v)] == []
    assert [v for v in bad if pattern.search(v)] == []


def test_effective_mostly():
    assert ec.effective_mostly(0.95, 2, 1000) == 0.95
    assert ec.effective_mostly(0.95, 2, 32) == pytest.approx(30 / 32)
    assert ec.effective_mostly(0.95, 2, 3) == 0.5  # a majority must still be valid
    assert ec.effective_mostly(0.95, 0, 3) == 0.95
    assert ec.effective_mostly(0.3, 2, 3) == 0.3


def test_small_object_tolerates_one_duplicated_row_but_not_a_broken_file(tmp_path):
    export = make_export(tmp_path / "export", rows=32)
    header, rows = read_table(export / "User.csv")
    rows[31] = list(rows[7])  # an exact duplicate: 2 of 32 ids are not unique (6.25%)
    write_csv(export / "User.csv", header, rows)
    header, rows = read_table(export / "Account.csv")
    write_csv(export / "Account.csv", header, rows[:3])
    v = validate_export(export, tmp_path / "report")
    assert v.success, format_summary(v)
    unique = outcome(v, "User", "expect_column_values_to_be_unique", "Id")
    assert unique.unexpected_count == 2 and unique.mostly == pytest.approx(30 / 32)
    assert not validate_export(export, tmp_path / "strict", allow_bad_rows=0).success
    # a tiny object whose values are mostly bad still fails
    set_column(export / "Account.csv", "CreatedDate", {0: "in May", 1: "in May"})
    v = validate_export(export, tmp_path / "broken")
    assert not outcome(v, "Account", "expect_column_values_to_match_regex", "CreatedDate").success


def test_duplicate_and_null_ids(tmp_path):
    export = make_export(tmp_path / "export", rows=20)
    header, rows = read_table(export / "Account.csv")
    rows[1][0] = rows[0][0]
    rows[2][0] = rows[0][0]
    rows[3][0] = ""
    rows[4][0] = "null"
    rows[5][0] = " NULL "
    write_csv(export / "Account.csv", header, rows)
    v = validate_export(export, tmp_path / "report")
    assert not outcome(v, "Account", "expect_column_values_to_be_unique", "Id").success
    assert not outcome(v, "Account", "expect_column_values_to_not_be_null", "Id").success


def test_a_row_with_too_many_fields_stops_the_checks(tmp_path):
    # no `mostly` for a row whose values cannot be matched to columns: dbt cannot read the file
    export = make_export(tmp_path / "export", rows=40)
    header, _ = read_table(export / "Account.csv")
    with (export / "Account.csv").open("a") as fh:
        fh.write("001000000000777AAA,too,many,fields,here,and,more,and,more,x,y\n")
    with pytest.raises(ExportError) as err:
        validate_export(export, tmp_path / "report")
    assert f"Account.csv: 1 row does not split into the header's {len(header)} fields" in str(err.value)
    assert f"  - line 42: 11 fields instead of {len(header)}: more fields than the header" in str(err.value)


def test_large_file_is_sampled(tmp_path):
    export = make_export(tmp_path / "export", rows=120)
    v = validate_export(export, tmp_path / "report", sample_rows=50)
    opp = v.object("Opportunity")
    assert opp.sampled and opp.rows_validated == 50
    # the preflight's pass over the file counts its rows exactly
    assert "Sampled: validated the first 50 rows of 120" in v.markdown_path.read_text()
    assert json.loads(v.json_path.read_text())["summary"]["sampled_objects"]


# ------------------------------------------------------------------------------------------
# Personal data never reaches a report
# ------------------------------------------------------------------------------------------
def test_personal_values_never_reported(tmp_path):
    export = make_export(
        tmp_path / "export", rows=20, objects=[o for o, s in SPEC.items() if s.required] + ["User", "Account", "Task"]
    )
    user = export / "User.csv"
    header, rows = read_table(user)
    idx = {h: j for j, h in enumerate(header)}
    for i in (2, 5, 9):  # bad rows carrying the planted email
        rows[i][idx["Email"]] = PII
        rows[i][idx["Id"]] = PII  # a misplaced email in the id column
        rows[i][idx["IsActive"]] = PII
    rows[11][idx["ManagerId"]] = PII  # as if shifted by a missing field
    short_row = rows[12][: idx["ManagerId"]] + [PII]  # a short row: the email lands in ManagerId
    write_csv(user, header, rows[:12] + [short_row] + rows[13:])
    with pytest.raises(ExportError) as err:  # the row is named by its line, never its values
        preflight(export)
    assert "User.csv: 1 row does not split" in str(err.value) and "line 14:" in str(err.value)
    assert PII not in str(err.value) and "leaky.person" not in str(err.value)
    # the same row with every field: the email shifted into ManagerId, the rest blank
    rows[12] = short_row + [""] * (len(header) - len(short_row))
    write_csv(user, header, rows)
    task = export / "Task.csv"
    theader, trows = read_table(task)
    for i in range(0, 20, 2):
        trows[i][theader.index("Subject")] = f"Call {PII}"
        trows[i][theader.index("WhoId")] = PII
    write_csv(task, theader, trows)

    v = validate_export(export, tmp_path / "report")
    assert not v.success
    id_fmt = outcome(v, "User", "expect_column_values_to_match_regex", "Id")
    assert id_fmt.unexpected_count == 3 and id_fmt.sample_rows == [3, 6, 10]
    assert id_fmt.sample_values == []
    assert not outcome(v, "Task", "expect_column_values_to_match_regex", "WhoId").success
    for path in (v.markdown_path, v.json_path):
        text = path.read_text()
        assert PII not in text and "leaky.person" not in text
    assert PII not in format_summary(v)
    assert "values withheld" in v.markdown_path.read_text()


# ------------------------------------------------------------------------------------------
# Command line
# ------------------------------------------------------------------------------------------
def test_cli_exit_codes(tmp_path, capsys, valid_run):
    export, _ = valid_run
    assert ec.main(["--export", str(export), "--report-dir", str(tmp_path / "ok")]) == 0
    out = capsys.readouterr().out
    assert "Opportunity:" in out and "PASSED" in out and (tmp_path / "ok" / "export_checks.md").exists()

    bad = make_export(tmp_path / "bad", rows=20)
    set_column(bad / "Opportunity.csv", "CloseDate", {i: "end of Q4" for i in range(10)})
    assert ec.main(["--export", str(bad), "--report-dir", str(tmp_path / "bad_report")]) == 1
    assert "FAILED" in capsys.readouterr().out

    # dates whose order the values cannot tell: refused, unless the order is named
    undecided = make_export(tmp_path / "undecided", rows=20)
    set_column(undecided / "Opportunity.csv", "CloseDate", {i: "05.03.2025" for i in range(10)})
    assert ec.main(["--export", str(undecided), "--report-dir", str(tmp_path / "u1")]) == 2
    assert "--date-order us" in capsys.readouterr().err
    assert ec.main(["--export", str(undecided), "--report-dir", str(tmp_path / "u2"), "--date-order", "eu"]) == 0
    assert "read as day/month/year" in capsys.readouterr().out

    (bad / "OpportunityHistory.csv").unlink()
    assert ec.main(["--export", str(bad), "--report-dir", str(tmp_path / "r2"), "--mostly", "0.9"]) == 2
    assert "OpportunityHistory.csv" in capsys.readouterr().err


def test_cli_env_default_and_subprocess_error(tmp_path):
    export = make_export(tmp_path / "export")
    (export / "Opportunity.csv").unlink()
    env = dict(os.environ, CRM_EXPORT_PATH=str(export), PYTHONPATH=str(PROJECT_ROOT))
    proc = subprocess.run(
        [sys.executable, "-m", "revops_kpis.export_checks", "--report-dir", str(tmp_path / "r")],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "Opportunity.csv" in proc.stderr and "Traceback" not in proc.stderr


# ------------------------------------------------------------------------------------------
# Currencies: the rate objects are keyed without their Id; uncovered currencies warn
# ------------------------------------------------------------------------------------------
def _frame(columns: dict[str, list]):
    import pandas as pd

    return pd.DataFrame(columns, dtype=object)


def test_currency_coverage_warnings_name_the_currencies_without_a_rate():
    deals = _frame({"CurrencyIsoCode": ["USD", "eur", "EUR", "GBP", None]})
    # no rate object at all: every currency but the var's is uncovered
    (warning,) = ec.currency_coverage_warnings({"Opportunity": deals})
    assert warning.startswith("Opportunity: 3 deals use currencies without a conversion rate: EUR (2), GBP (1);")
    assert "neither DatedConversionRate nor CurrencyType" in warning and "Add CurrencyType.csv" in warning
    # dated rates cover EUR; CurrencyType covers GBP: nothing to say
    frames = {
        "Opportunity": deals,
        "DatedConversionRate": _frame({"IsoCode": ["EUR", "USD"]}),
        "CurrencyType": _frame({"IsoCode": ["USD", "GBP"], "IsCorporate": ["true", "false"]}),
    }
    assert ec.currency_coverage_warnings(frames) == []
    # a quota currency the CurrencyType lacks
    frames["ForecastingQuota"] = _frame({"CurrencyIsoCode": ["SEK", "USD"]})
    (warning,) = ec.currency_coverage_warnings(frames)
    assert warning.startswith("ForecastingQuota: 1 quota rows use currencies without a conversion rate: SEK (1);")
    assert "CurrencyType rows do not cover them" in warning


def test_currency_coverage_knows_the_org_corporate_currency_and_the_var():
    deals = _frame({"CurrencyIsoCode": ["EUR", "CHF"]})
    types = _frame({"IsoCode": ["EUR", "CHF"], "IsCorporate": ["1", "0"]})  # EUR corporate, no USD
    warnings = ec.currency_coverage_warnings({"Opportunity": deals, "CurrencyType": types})
    assert len(warnings) == 1 and "The var corporate_currency is USD" in warnings[0]
    assert "org's corporate currency is EUR" in warnings[0]
    assert ec.currency_coverage_warnings({"Opportunity": deals, "CurrencyType": types}, "EUR") == []
    assert ec.currency_coverage_warnings({"Opportunity": deals, "CurrencyType": types}, "chf") == []


def test_rate_objects_need_no_id_and_uncovered_currencies_only_warn(tmp_path):
    export = make_export(tmp_path / "export", rows=6)
    set_column(export / "Opportunity.csv", "CurrencyIsoCode", {0: "EUR", 1: "JPY", 2: "USD", 3: "USD", 4: "USD", 5: "USD"})
    write_csv(
        export / "DatedConversionRate.csv",
        ["IsoCode", "ConversionRate", "StartDate", "NextStartDate"],
        [["EUR", "0.9", "2025-01-01", ""], ["USD", "1", "2025-01-01", ""]],
    )
    write_csv(
        export / "CurrencyType.csv",
        ["Id", "IsoCode", "ConversionRate", "IsCorporate"],
        [["", "USD", "1", "true"], ["", "EUR", "0.9", "false"]],
    )
    v = validate_export(export, tmp_path / "report")
    assert v.success, format_summary(v)
    for obj in ("DatedConversionRate", "CurrencyType"):
        checks = {o.check for o in v.object(obj).outcomes}
        assert "primary key not null" not in checks and "required column present" in checks
    assert outcome(v, "CurrencyType", "expect_column_values_to_be_unique", "Id").success  # blank Ids
    assert outcome(v, "CurrencyType", "expect_column_values_to_be_unique", "IsoCode").success
    assert len(v.warnings) == 1 and "1 deals use currencies without a conversion rate: JPY (1)" in v.warnings[0]
    assert "JPY (1)" in format_summary(v)
    assert json.loads(v.json_path.read_text())["warnings"] == v.warnings
    # a CurrencyType listing a currency twice fails its key check
    write_csv(
        export / "CurrencyType.csv",
        ["IsoCode", "ConversionRate", "IsCorporate"],
        [["USD", "1", "true"], ["EUR", "0.9", "false"], ["EUR", "0.8", "false"]],
    )
    v = validate_export(export, tmp_path / "report2", allow_bad_rows=0)
    assert not outcome(v, "CurrencyType", "expect_column_values_to_be_unique", "IsoCode").success


# ------------------------------------------------------------------------------------------
# HubSpot (--crm hubspot): the same checker on the HubSpot contract (_hubspot__sources.yml):
# its tables, columns, keys and references
# ------------------------------------------------------------------------------------------
HUBSPOT_SMALL = PROJECT_ROOT / "tests" / "fixtures" / "exports" / "hubspot_small"


def hubspot_copy(destination: Path) -> Path:
    import shutil

    shutil.copytree(HUBSPOT_SMALL, destination)
    return destination


def drop_column(path: Path, column: str) -> None:
    header, rows = read_table(path)
    j = header.index(column)
    write_csv(path, header[:j] + header[j + 1:], [row[:j] + row[j + 1:] for row in rows])


def test_hubspot_fixture_passes_with_its_keys_and_references(tmp_path):
    v = validate_export(hubspot_copy(tmp_path / "export"), tmp_path / "report", crm="hubspot")
    assert v.success, format_summary(v)
    assert v.preflight.crm == "hubspot" and json.loads(v.json_path.read_text())["crm"] == "hubspot"
    assert {o.object_name for o in v.objects} == set(load_spec(crm="hubspot")) - {"engagement_task", "merged_deal"}
    # deal_stage: 12 rows; every deal id is in deal.csv (104 is there, deleted) and every
    # stage id in deal_pipeline_stage.csv; the key (deal_id, date_entered) of the copied row
    # (105's second entry, twice) is the one duplicate, within the tolerance
    dangling = outcome(v, "deal_stage", "expect_column_values_to_be_in_set", "deal_id")
    assert dangling.check.startswith("references deal.deal_id") and dangling.unexpected_count == 0
    assert outcome(v, "deal_stage", "expect_column_values_to_be_in_set", "value").unexpected_count == 0
    key = outcome(v, "deal_stage", "expect_compound_columns_to_be_unique", None)
    assert key.check == "key unique (deal_id, date_entered)" and key.unexpected_count == 2
    assert outcome(v, "deal", "expect_column_values_to_match_regex", "deal_id").check == "format: numeric id (digits only)"
    # the same report as Salesforce's, naming the CRM
    assert "- CRM: HubSpot" in v.markdown_path.read_text()


def test_hubspot_missing_required_column_names_the_table_and_fivetran(tmp_path):
    # the connector's schema settings left deal_stage.date_entered out
    export = hubspot_copy(tmp_path / "export")
    drop_column(export / "deal_stage.csv", "date_entered")
    with pytest.raises(ExportError) as raised:
        ec.preflight(export, crm="hubspot")
    message = str(raised.value)
    assert message.startswith("deal_stage.csv: required column `date_entered` of deal_stage is missing.")
    assert "when the stage was entered" in message and "Fivetran HubSpot connector" in message
    assert "Data Loader" not in message


def test_hubspot_dangling_references_duplicate_ids_and_bad_ids_fail(tmp_path):
    export = hubspot_copy(tmp_path / "export")
    # deal_stage.csv from another portal's sync: its deals (9xx) are not in deal.csv
    header, rows = read_table(export / "deal_stage.csv")
    write_csv(export / "deal_stage.csv", header, [["9" + row[0][1:], *row[1:]] for row in rows])
    # deal.csv written twice into one file (two syncs appended): every deal id twice; and an
    # owner id with a thousands separator (a spreadsheet round trip)
    header, rows = read_table(export / "deal.csv")
    rows[0][header.index("owner_id")] = "40,002"
    write_csv(export / "deal.csv", header, rows + rows)
    v = validate_export(export, tmp_path / "report", crm="hubspot", allow_bad_rows=0)
    assert not v.success
    dangling = outcome(v, "deal_stage", "expect_column_values_to_be_in_set", "deal_id")
    assert not dangling.success and dangling.unexpected_count == 12
    # 5 deals, each twice: 10 rows share an id
    duplicate = outcome(v, "deal", "expect_column_values_to_be_unique", "deal_id")
    assert not duplicate.success and duplicate.check == "key unique" and duplicate.unexpected_count == 10
    bad_id = outcome(v, "deal", "expect_column_values_to_match_regex", "owner_id")
    assert not bad_id.success and bad_id.unexpected_count == 2 and bad_id.sample_values == ["40,002"]
    summary = format_summary(v)
    assert "FAILED deal_stage.deal_id: references deal.deal_id" in summary
    assert "FAILED deal.deal_id: key unique" in summary
    report = json.loads((tmp_path / "report" / "export_checks.json").read_text())
    assert report["success"] is False and report["crm"] == "hubspot"


def test_hubspot_parquet_tables_with_integer_ids_are_read(tmp_path):
    # Fivetran's Long ids as int64 and its TIMESTAMP as a timestamp column
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    export = hubspot_copy(tmp_path / "export")
    table = pacsv.read_csv(export / "owner.csv", convert_options=pacsv.ConvertOptions(
        column_types={"owner_id": pa.int64(), "active_user_id": pa.int64(), "created_at": pa.timestamp("ms")}))
    pq.write_table(table, export / "owner.parquet")
    (export / "owner.csv").unlink()
    v = validate_export(export, tmp_path / "report", crm="hubspot")
    assert v.success, format_summary(v)
    assert v.object("owner").format == "parquet"
    # quota.owner_id references owner.owner_id: the int64 ids read as the same text
    assert outcome(v, "quota", "expect_column_values_to_be_in_set", "owner_id").unexpected_count == 0


def test_another_crms_folder_is_named_with_the_crm_to_use(tmp_path):
    with pytest.raises(ec.WrongCrmError) as raised:
        ec.preflight(hubspot_copy(tmp_path / "hubspot"))
    assert str(raised.value).endswith("use --crm hubspot") and "deal.csv" in str(raised.value)
    with pytest.raises(ec.WrongCrmError) as raised:
        ec.preflight(make_export(tmp_path / "salesforce"), crm="hubspot")
    assert str(raised.value).endswith("use --crm salesforce") and "Opportunity.csv" in str(raised.value)
