"""One fixture export per kind of bad input: each breaks exactly one row of a clean export
in one way, and the build must quarantine (or drop) exactly that row for that reason.
Also the exports that are not usable at all: the run stops with a message naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from dbt_helpers import accounting, build, copy_export, query, quarantine, read_rows, write_rows
from revops_kpis.dbt_project import DbtRunError

# Rows of the small fixture that are bad on purpose, and Opportunity row 8 (in a stage of no
# definition: kept by a build, see test_staging_e2e.py); the clean export drops them.
BAD_ROWS = {"Opportunity.csv": [2, 5, 6, 7, 8, 9, 10], "OpportunityHistory.csv": [6, 7, 8], "User.csv": [5]}
CLEAN_COUNTS = {"Opportunity": 3, "OpportunityHistory": 5, "User": 4, "Account": 2, "Task": 2}


def clean_export(destination: Path) -> Path:
    export = copy_export("small", destination)
    for file_name, bad in BAD_ROWS.items():
        header, rows = read_rows(export / file_name)
        write_rows(export / file_name, header, [row for number, row in enumerate(rows, 1) if number not in bad])
    return export


def _edit(export: Path, file_name: str, row_number: int, **changes: str) -> None:
    header, rows = read_rows(export / file_name)
    rows[row_number - 1].update(changes)
    write_rows(export / file_name, header, rows)


def _append_copy(export: Path, file_name: str, row_number: int, **changes: str) -> int:
    header, rows = read_rows(export / file_name)
    rows.append({**rows[row_number - 1], **changes})
    write_rows(export / file_name, header, rows)
    return len(rows)


# kind -> (mutation, expected quarantine rows as (object, raw_key, raw_row_number, reason)[, vars])
# Clean Opportunity rows: 1 = 0065g00000AbcdEAAR (won), 2 = 006000000000002AAA (lost),
# 3 = 006000000000003AAA (open). Clean history rows 1-5.
CASES = {
    "missing_id": (
        lambda e: _edit(e, "Opportunity.csv", 3, Id=""),
        {("Opportunity", None, 3, "missing_id"),
         # its history row and its task now point at no opportunity of the export
         ("OpportunityHistory", "008000000000005AAA", 5, "unknown_opportunity"),
         ("Task", "00T000000000001AAA", 1, "unknown_opportunity")},
    ),
    "invalid_id": (
        lambda e: _edit(e, "Account.csv", 2, OwnerId="005-BAD"),
        {("Account", "001000000000002AAA", 2, "invalid_id")},
    ),
    "invalid_timestamp": (
        lambda e: _edit(e, "Task.csv", 1, CompletedDateTime="10/02/2025 15:20"),
        {("Task", "00T000000000001AAA", 1, "invalid_timestamp")},
    ),
    "invalid_date": (
        lambda e: _edit(e, "OpportunityHistory.csv", 3, CloseDate="31.03.2025"),
        {("OpportunityHistory", "008000000000003AAA", 3, "invalid_date")},
    ),
    "invalid_amount": (
        lambda e: _edit(e, "OpportunityHistory.csv", 5, Amount="20,000.50"),
        {("OpportunityHistory", "008000000000005AAA", 5, "invalid_amount")},
    ),
    "invalid_number": (
        lambda e: _edit(e, "OpportunityHistory.csv", 1, Probability="10%"),
        {("OpportunityHistory", "008000000000001AAA", 1, "invalid_number")},
    ),
    "invalid_boolean": (
        lambda e: _edit(e, "User.csv", 3, IsActive="maybe"),
        {("User", "005000000000003AAA", 3, "invalid_boolean")},
    ),
    "missing_required_value": (
        lambda e: _edit(e, "OpportunityHistory.csv", 4, StageName=""),
        {("OpportunityHistory", "008000000000004AAA", 4, "missing_required_value")},
    ),
    "unknown_opportunity": (
        lambda e: _edit(e, "OpportunityHistory.csv", 3, OpportunityId="006000000000077AAA"),
        {("OpportunityHistory", "008000000000003AAA", 3, "unknown_opportunity")},
    ),
    "future_timestamp": (
        # the clean export has no system stamps: its clock is its last creation, 2025-02-11
        # 15:00, and a change may follow it by 60 days (test_future_timestamps.py)
        lambda e: _edit(e, "OpportunityHistory.csv", 4, CreatedDate="2031-03-01T11:00:00.000Z"),
        {("OpportunityHistory", "008000000000004AAA", 4, "future_timestamp")},
    ),
    "implausible_amount": (
        lambda e: _edit(e, "Opportunity.csv", 2, Amount="-5000"),
        {("Opportunity", "006000000000002AAA", 2, "implausible_amount"),
         # its history follows it
         ("OpportunityHistory", "008000000000003AAA", 3, "parent_quarantined"),
         ("OpportunityHistory", "008000000000004AAA", 4, "parent_quarantined")},
    ),
    "parent_quarantined": (
        lambda e: _edit(e, "Opportunity.csv", 3, IsWon="maybe"),
        {("Opportunity", "006000000000003AAA", 3, "invalid_boolean"),
         # its history row and its task (WhatId) follow it; its other task is deleted (dropped)
         ("OpportunityHistory", "008000000000005AAA", 5, "parent_quarantined"),
         ("Task", "00T000000000001AAA", 1, "parent_quarantined")},
    ),
    "conflicting_duplicate_id": (
        lambda e: _append_copy(e, "Account.csv", 1, Name="Acme Incorporated"),
        {("Account", "001000000000001AAA", 1, "conflicting_duplicate_id"),
         ("Account", "001000000000001AAA", 3, "conflicting_duplicate_id")},
    ),
}


# reasons only a HubSpot export gives: their cases are in test_hubspot_staging.py
HUBSPOT_ONLY_REASONS = {"other_pipeline", "unknown_stage", "merged_deal"}


def test_every_quarantine_reason_has_a_case():
    header, rows = read_rows(Path(__file__).parents[2] / "seeds" / "quarantine_reasons.csv")
    assert {row["quarantine_reason"] for row in rows} - HUBSPOT_ONLY_REASONS == set(CASES)


def test_a_stage_in_no_definition_is_kept_not_quarantined(tmp_path):
    export = clean_export(tmp_path / "export")
    _edit(export, "OpportunityHistory.csv", 5, StageName="Discovery Call")
    duckdb_path = build(export, tmp_path / "work")
    assert quarantine(duckdb_path) == set()
    assert accounting(duckdb_path)["OpportunityHistory"] == (5, 5, 0, 0, 0)
    assert query(
        duckdb_path,
        "select opportunity_history_id, stage_name from staging.stg_crm__opportunity_history "
        "where opportunity_history_id = '008000000000005AAA'",
    ) == [("008000000000005AAA", "Discovery Call")]
    assert query(
        duckdb_path,
        "select funnel_source, is_inferred_stage from staging.stg_crm__stage_funnel "
        "where stage_name = 'Discovery Call'",
    ) == [("inferred", True)]


@pytest.mark.parametrize("kind", sorted(CASES))
def test_each_bad_input_kind_is_quarantined_with_its_reason(kind, tmp_path):
    mutate, expected, *extra_vars = CASES[kind]
    export = clean_export(tmp_path / "export")
    mutate(export)
    duckdb_path = build(export, tmp_path / "work", extra_vars=extra_vars[0] if extra_vars else None)
    assert quarantine(duckdb_path) == expected


def test_clean_export_quarantines_nothing(tmp_path):
    duckdb_path = build(clean_export(tmp_path / "export"), tmp_path / "work")
    assert quarantine(duckdb_path) == set()
    counts = accounting(duckdb_path)
    assert {name: counts[name][1] for name in CLEAN_COUNTS} == {**CLEAN_COUNTS, "Task": 1}


def test_exact_duplicates_and_deleted_rows_are_dropped_not_quarantined(tmp_path):
    export = clean_export(tmp_path / "export")
    _append_copy(export, "OpportunityHistory.csv", 2)  # an exact copy
    # the same id in its 15-character form, otherwise identical: still the same row
    _append_copy(export, "Account.csv", 2, Id="001000000000002")
    _edit(export, "Opportunity.csv", 2, IsDeleted="TRUE")
    duckdb_path = build(export, tmp_path / "work")
    counts = accounting(duckdb_path)
    assert counts["OpportunityHistory"][:4] == (6, 3, 0, 1)  # deal 2's two history rows: unknown opportunity now
    assert counts["Account"] == (3, 2, 0, 1, 0)
    assert counts["Opportunity"] == (3, 2, 1, 0, 0)
    assert quarantine(duckdb_path) == {
        ("OpportunityHistory", "008000000000003AAA", 3, "unknown_opportunity"),
        ("OpportunityHistory", "008000000000004AAA", 4, "unknown_opportunity"),
    }


def _build_error(export: Path, work: Path) -> str:
    with pytest.raises(DbtRunError) as raised:
        build(export, work)
    return str(raised.value)


def test_missing_required_file_stops_the_run_naming_it(tmp_path):
    export = clean_export(tmp_path / "export")
    (export / "OpportunityHistory.csv").unlink()
    message = _build_error(export, tmp_path / "work")
    assert "Required Salesforce object OpportunityHistory is missing" in message
    assert "OpportunityHistory.csv" in message
    assert "Opportunity.csv" in message  # the files it did find are listed


def test_missing_required_column_stops_the_run_naming_file_and_column(tmp_path):
    export = clean_export(tmp_path / "export")
    header, rows = read_rows(export / "Opportunity.csv")
    header.remove("StageName")
    write_rows(export / "Opportunity.csv", header, [{k: v for k, v in row.items() if k != "StageName"} for row in rows])
    message = _build_error(export, tmp_path / "work")
    assert "Opportunity export" in message and "Opportunity.csv" in message
    assert "missing required column(s) StageName" in message


def test_semicolon_delimited_file_is_named_with_the_delimiter(tmp_path):
    export = clean_export(tmp_path / "export")
    path = export / "User.csv"
    path.write_text(path.read_text().replace(",", ";"))
    message = _build_error(export, tmp_path / "work")
    assert "User.csv" in message and "semicolon-delimited" in message
