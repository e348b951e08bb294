"""End-to-end builds of the staging layer on small fixture exports whose outcome was worked
out by hand (tests/fixtures/exports/small: see the comments in each test), in file mode
(CSV, Parquet, snake_case headers, Latin-1) and in warehouse mode."""

from __future__ import annotations

import csv
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dbt_helpers import FIXTURES, accounting, build, copy_export, quarantine, query, read_rows, write_rows

# The small fixture, row by row (file row numbers count from the first data row):
#   User: 5 rows, row 5 an exact copy of row 2                   -> 4 staged, 1 duplicate
#   Account: 2 clean rows                                        -> 2 staged
#   Opportunity: row 1 won deal with a 15/18-char id pair in history, row 2 its exact copy,
#     rows 3-4 clean, row 5 CloseDate 2025-13-45, row 6 blank Id, row 7 IsDeleted true,
#     row 8 stage 'Stage X' (in no stage definition: kept, the funnel infers the stage),
#     rows 9-10 same Id with different Amount
#                                                                -> 4 staged, 1 deleted, 1 duplicate, 4 quarantined
#   OpportunityHistory: rows 1-5 clean (row 2 written 'closed  WON' against the 15-char id),
#     row 6 for an opportunity that does not exist, row 7 CreatedDate 'yesterday',
#     row 8 for the opportunity quarantined for its close date -> 5 staged, 3 quarantined
#   Task: row 1 clean, row 2 IsDeleted true                      -> 1 staged, 1 deleted
#   all other objects absent                                     -> zero rows
SMALL_ACCOUNTING = {
    "Opportunity": (10, 4, 1, 1, 4),
    "OpportunityHistory": (8, 5, 0, 0, 3),
    "User": (5, 4, 0, 1, 0),
    "Account": (2, 2, 0, 0, 0),
    "OpportunityFieldHistory": (0, 0, 0, 0, 0),
    "OpportunityStage": (0, 0, 0, 0, 0),
    "Task": (2, 1, 1, 0, 0),
    "Event": (0, 0, 0, 0, 0),
    "Lead": (0, 0, 0, 0, 0),
    "ForecastingQuota": (0, 0, 0, 0, 0),
    "DatedConversionRate": (0, 0, 0, 0, 0),
    "CurrencyType": (0, 0, 0, 0, 0),
}
SMALL_QUARANTINE = {
    ("Opportunity", "006000000000004AAA", 5, "invalid_date"),
    ("Opportunity", None, 6, "missing_id"),
    ("Opportunity", "006000000000008AAA", 9, "conflicting_duplicate_id"),
    ("Opportunity", "006000000000008AAA", 10, "conflicting_duplicate_id"),
    ("OpportunityHistory", "008000000000006AAA", 6, "unknown_opportunity"),
    ("OpportunityHistory", "008000000000007AAA", 7, "invalid_timestamp"),
    # deal 4 is in the export but quarantined (invalid_date): its history follows it
    ("OpportunityHistory", "008000000000008AAA", 8, "parent_quarantined"),
}


@pytest.fixture(scope="module")
def small_build(tmp_path_factory) -> Path:
    return build(FIXTURES / "small", tmp_path_factory.mktemp("small"))


def test_small_export_every_row_accounted_for(small_build):
    assert accounting(small_build) == SMALL_ACCOUNTING


def test_small_export_quarantine_keys_and_reasons(small_build):
    assert quarantine(small_build) == SMALL_QUARANTINE


def test_small_export_values_are_cleaned(small_build):
    opportunities = query(
        small_build,
        "select opportunity_id, stage_name, amount, created_at, close_date, is_won, lead_source, "
        "probability_rate, currency_code from staging.stg_crm__opportunities order by opportunity_id",
    )
    assert opportunities == [
        # created 2025-01-20T08:30:00+01:00 -> 07:30 UTC; blank IsDeleted is not deleted
        ("006000000000002AAA", "Closed Lost", Decimal("5000.00"), dt.datetime(2025, 1, 20, 7, 30), dt.date(2025, 3, 1),
         False, "Partner", 0.0, "USD"),
        # LeadSource 'null' -> null; amount 20000.5
        ("006000000000003AAA", "Qualification", Decimal("20000.50"), dt.datetime(2025, 2, 1, 12, 0),
         dt.date(2025, 6, 30), False, None, 0.2, "USD"),
        # in a stage of neither the seed nor any definition: staged all the same
        ("006000000000007AAA", "Stage X", Decimal("1000.00"), dt.datetime(2025, 2, 5, 12, 0), dt.date(2025, 4, 1),
         False, "Web", 0.1, "USD"),
        ("0065g00000AbcdEAAR", "Closed Won", Decimal("12000.00"), dt.datetime(2025, 1, 10, 10, 0),
         dt.date(2025, 2, 15), True, "Web", 1.0, "USD"),
    ]
    history = query(
        small_build,
        "select opportunity_history_id, opportunity_id, stage_name, recorded_stage_name "
        "from staging.stg_crm__opportunity_history where opportunity_history_id = '008000000000002AAA'",
    )
    # the 15-character OpportunityId 0065g00000AbcdE is the 18-character 0065g00000AbcdEAAR
    assert history == [("008000000000002AAA", "0065g00000AbcdEAAR", "Closed Won", "closed  WON")]
    users = dict(query(small_build, "select user_id, is_automation_user from staging.stg_crm__users"))
    assert users == {
        "005000000000001AAA": False,
        "005000000000002AAA": False,
        "005000000000003AAA": False,
        "005000000000004AAA": True,  # UserType CloudIntegrationUser
    }
    # quoted field with a comma and doubled quotes survives
    subjects = query(small_build, "select subject from staging.stg_crm__tasks")
    assert subjects == [('Call with "Globex", re: rollout',)]


def test_small_export_as_of_is_latest_recorded_event(small_build):
    # latest staged event: history row 4, 2025-03-01T11:00Z (the 2025-02-06 opportunity is quarantined)
    assert query(small_build, "select as_of, as_of_source from staging.stg_crm__export_as_of") == [
        (dt.datetime(2025, 3, 1, 11, 0), "export")
    ]


def test_small_export_funnel_is_the_seed_stages_it_uses_and_one_inferred(small_build):
    # worked out from the rows that parse and are not deleted: the seed stages recorded are
    # Prospecting (median probability 10), Qualification (20), Closed Won and Closed Lost;
    # Stage X (opportunity row 8: probability 10, IsClosed false) is open and goes after the
    # last defined open stage whose probability is at most 10, Prospecting; it is not
    # skippable. The seed's other six default stages are in no row, so not in the funnel.
    assert query(
        small_build,
        "select stage_name, stage_order, is_closed, is_won, funnel_source, is_inferred_stage, is_skippable "
        "from staging.stg_crm__stage_funnel order by stage_order",
    ) == [
        ("Prospecting", 1, False, False, "seed", False, True),
        ("Stage X", 2, False, False, "inferred", True, False),
        ("Qualification", 3, False, False, "seed", False, True),
        ("Closed Won", 4, True, True, "seed", False, True),
        ("Closed Lost", 5, True, False, "seed", False, True),
    ]


def test_as_of_var_reaches_the_model(tmp_path):
    duckdb_path = build(FIXTURES / "small", tmp_path, extra_vars={"as_of": "2025-06-01T00:00:00+02:00"})
    assert query(duckdb_path, "select as_of, as_of_source from staging.stg_crm__export_as_of") == [
        (dt.datetime(2025, 5, 31, 22, 0), "var")
    ]


def _snake(header: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", header).lower()


def test_snake_case_headers_give_the_same_result(tmp_path):
    export = copy_export("small", tmp_path / "export")
    for path in export.glob("*.csv"):
        header, rows = read_rows(path)
        snake = [_snake(name) for name in header]
        write_rows(path, snake, [{_snake(key): value for key, value in row.items()} for row in rows])
    assert read_rows(export / "Opportunity.csv")[0][:5] == ["id", "account_id", "owner_id", "name", "stage_name"]
    duckdb_path = build(export, tmp_path / "work")
    assert accounting(duckdb_path) == SMALL_ACCOUNTING
    assert quarantine(duckdb_path) == SMALL_QUARANTINE


def test_parquet_export_gives_the_same_result(tmp_path):
    export = tmp_path / "export"
    export.mkdir()
    for path in (FIXTURES / "small").glob("*.csv"):
        header, rows = read_rows(path)
        columns = {name: pa.array([row[name] if row[name] != "" else None for row in rows], pa.string()) for name in header}
        pq.write_table(pa.table(columns), export / f"{path.stem}.parquet")
    duckdb_path = build(export, tmp_path / "work")
    assert accounting(duckdb_path) == SMALL_ACCOUNTING
    assert quarantine(duckdb_path) == SMALL_QUARANTINE


def test_latin1_export_with_the_encoding_var(tmp_path):
    export = copy_export("small", tmp_path / "export")
    header, rows = read_rows(export / "Account.csv")
    rows[1]["Name"] = "Société Générale"
    write_rows(export / "Account.csv", header, rows, encoding="latin-1")
    assert "é".encode("latin-1") in (export / "Account.csv").read_bytes()
    duckdb_path = build(export, tmp_path / "work", extra_vars={"crm_export_encoding": "latin-1"})
    names = query(duckdb_path, "select account_name from staging.stg_crm__accounts order by account_id")
    assert names == [("Acme, Inc.",), ("Société Générale",)]


def test_a_header_written_twice_is_read_at_its_first_copy(tmp_path):
    # one rule with the export checks: the first of two headers with one key is read (DuckDB
    # renames an exact repeat, and `Name` / `name` match the same contract column)
    export = copy_export("small", tmp_path / "export")
    header, rows = read_rows(export / "Account.csv")
    with (export / "Account.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header + ["Name", "name"])
        writer.writerows([[row[h] for h in header] + ["junk 1", "junk 2"] for row in rows])
    duckdb_path = build(export, tmp_path / "work")
    names = query(duckdb_path, "select account_name from staging.stg_crm__accounts order by account_id")
    assert names == [("Acme, Inc.",), ("Globex",)]


def test_warehouse_mode_reads_loader_tables(tmp_path):
    """Tables as Fivetran lands them: snake_case names, typed columns, _fivetran_deleted."""
    work = tmp_path / "work"
    work.mkdir()
    duckdb_path = work / "warehouse.duckdb"
    with duckdb.connect(str(duckdb_path)) as connection:
        connection.execute("create schema salesforce_raw")
        for path in (FIXTURES / "small").glob("*.csv"):
            table = _snake(path.stem)
            header, _ = read_rows(path)
            # a typed load, as a loader would do it (timestamps, booleans, numbers)
            connection.execute(
                f"create table salesforce_raw.{table} as select "
                + ", ".join(f'"{name}" as {_snake(name)}' for name in header)
                + f" from read_csv('{path}', header = true, all_varchar = false)"
            )
            connection.execute(f"alter table salesforce_raw.{table} add column _fivetran_deleted boolean default false")
        # the loader marks one more account deleted
        connection.execute("update salesforce_raw.account set _fivetran_deleted = true where name = 'Globex'")
    build(
        tmp_path / "no-such-export",
        work,
        extra_vars={"crm_source_mode": "warehouse", "crm_raw_schema": "salesforce_raw"},
    )
    expected = dict(SMALL_ACCOUNTING)
    expected["Account"] = (2, 1, 1, 0, 0)
    # the bad values keep their columns as text in the typed load, so the same rows are
    # quarantined; typed timestamps, booleans and numbers are read back through text
    assert accounting(duckdb_path) == expected
    assert quarantine(duckdb_path) == SMALL_QUARANTINE
