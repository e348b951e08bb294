"""revops_kpis.warehouse_load: an export folder landed as a loader would (snake_case tables and
columns, text values, _fivetran_deleted), here into DuckDB; the same code path loads
PostgreSQL in test_postgres_parity. A warehouse-mode build of the loaded small fixture must
account for every row exactly as the file-mode build does."""

from __future__ import annotations

import duckdb
import pytest

from dbt_helpers import FIXTURES, accounting, build, copy_export, quarantine, read_rows, write_rows
from revops_kpis.export_spec import load_spec, match_key
from revops_kpis.warehouse_load import LoadError, load_export, main, snake_case
from test_staging_e2e import SMALL_ACCOUNTING, SMALL_QUARANTINE


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Id", "id"),
        ("StageName", "stage_name"),
        ("CallDurationInSeconds", "call_duration_in_seconds"),
        ("Loss_Reason__c", "loss_reason_c"),
        ("IsoCode", "iso_code"),
        ("ISOCode", "iso_code"),
        ("stage_name", "stage_name"),
        ("_fivetran_deleted", "_fivetran_deleted"),
        ("Completed Date Time", "completed_date_time"),
    ],
)
def test_snake_case_is_the_loaders_spelling_and_keeps_the_match_key(header, expected):
    assert snake_case(header) == expected
    assert match_key(snake_case(header)) == match_key(header)


def test_every_contract_header_loads_under_a_matching_name():
    for spec in load_spec().values():
        for column in spec.columns:
            assert match_key(snake_case(column.api_name)) == match_key(column.api_name)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    work = tmp_path_factory.mktemp("warehouse_load")
    export = copy_export("small", work / "export")
    # a Lead file with personal columns outside the contract, which must stay in the file
    header = ["Id", "OwnerId", "CreatedDate", "Status", "LeadSource", "IsConverted", "ConvertedDate",
              "ConvertedOpportunityId", "ConvertedAccountId", "FirstName", "Email"]
    write_rows(export / "lead.csv", header, [
        {"Id": "00Q000000000001AAA", "OwnerId": "005000000000001AAA", "CreatedDate": "2026-01-02T10:00:00Z",
         "Status": "Open", "LeadSource": "Web", "IsConverted": "false", "ConvertedDate": "",
         "ConvertedOpportunityId": "", "ConvertedAccountId": "", "FirstName": "Ada", "Email": "ada@example.com"},
    ])
    duckdb_path = work / "warehouse.duckdb"  # the file dbt_helpers.build builds in
    with duckdb.connect(str(duckdb_path)) as connection:
        # a table left by an earlier load, for an object this export does not hold
        connection.execute("create schema salesforce_raw")
        connection.execute("create table salesforce_raw.event (id varchar)")
    counts = load_export(export, "duckdb", "salesforce_raw", duckdb_path=duckdb_path)
    return work, export, duckdb_path, counts


def test_one_text_table_per_object_with_the_loaders_columns(loaded):
    _, export, duckdb_path, counts = loaded
    header, rows = read_rows(export / "lead.csv")
    assert set(counts) == {"opportunity", "opportunity_history", "user", "account", "task", "lead"}
    with duckdb.connect(str(duckdb_path), read_only=True) as connection:
        columns = connection.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'salesforce_raw' and table_name = 'opportunity' order by ordinal_position"
        ).fetchall()
        tables = {row[0] for row in connection.execute(
            "select table_name from information_schema.tables where table_schema = 'salesforce_raw'").fetchall()}
        lead_columns = [row[0] for row in connection.execute(
            "select column_name from information_schema.columns where table_schema = 'salesforce_raw' "
            "and table_name = 'lead' order by ordinal_position").fetchall()]
        first_rows = connection.execute("select id, amount, _fivetran_deleted from salesforce_raw.opportunity").fetchall()
    opportunity_header, rows = read_rows(export / "Opportunity.csv")
    assert [name for name, _ in columns] == [snake_case(h) for h in opportunity_header] + ["_fivetran_deleted"]
    assert {kind for name, kind in columns if name != "_fivetran_deleted"} == {"VARCHAR"}
    assert dict(columns)["_fivetran_deleted"] == "BOOLEAN"
    assert counts["opportunity"] == len(rows)
    # file order, empty fields as null, nothing marked deleted by the load itself
    assert [row[0] for row in first_rows] == [row["Id"] or None for row in rows]
    assert {row[2] for row in first_rows} == {False}
    assert "event" not in tables  # absent from the export: the stale table is dropped
    assert "first_name" not in lead_columns and "email" not in lead_columns
    assert lead_columns == [snake_case(h) for h in header[:9]] + ["_fivetran_deleted"]


def test_a_warehouse_build_of_the_loaded_tables_accounts_for_every_row_as_file_mode(loaded):
    work, _, duckdb_path, _ = loaded
    result = build(
        work / "no-such-export", work, extra_vars={"crm_source_mode": "warehouse", "crm_raw_schema": "salesforce_raw"}
    )
    assert result == duckdb_path
    expected = dict(SMALL_ACCOUNTING)
    expected["Lead"] = (1, 1, 0, 0, 0)
    assert accounting(result) == expected
    assert quarantine(result) == SMALL_QUARANTINE


def test_reloading_replaces_the_tables(loaded, tmp_path):
    _, export, _, _ = loaded
    path = tmp_path / "raw.duckdb"
    load_export(export, "duckdb", "salesforce", duckdb_path=path)
    counts = load_export(export, "duckdb", "salesforce", duckdb_path=path)
    with duckdb.connect(str(path), read_only=True) as connection:
        assert connection.execute("select count(*) from salesforce.task").fetchall()[0][0] == counts["task"]


def test_parquet_files_load_as_text(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    export = copy_export("small", tmp_path / "export")
    header, rows = read_rows(export / "Opportunity.csv")
    table = pa.table({name: pa.array([row[name] or None for row in rows], pa.string()) for name in header})
    pq.write_table(table.set_column(header.index("Amount"), "Amount", pa.array(
        [float(row["Amount"]) if row["Amount"].replace(".", "").isdigit() else None for row in rows])),
        export / "Opportunity.parquet")
    (export / "Opportunity.csv").unlink()
    path = tmp_path / "raw.duckdb"
    counts = load_export(export, "duckdb", "salesforce", duckdb_path=path)
    assert counts["opportunity"] == len(rows)
    with duckdb.connect(str(path), read_only=True) as connection:
        amounts = connection.execute("select id, amount from salesforce.opportunity").fetchall()
    # a typed Parquet column lands as its text, which staging parses back
    assert amounts[0][0] == rows[0]["Id"] and float(amounts[0][1]) == float(rows[0]["Amount"])


def test_command_line_and_its_errors(tmp_path, capsys):
    path = tmp_path / "raw.duckdb"
    assert main(["--export", str(FIXTURES / "small"), "--target", "duckdb", "--duckdb-path", str(path)]) == 0
    assert "salesforce.opportunity: 10 rows" in capsys.readouterr().out
    assert main(["--export", str(tmp_path / "missing"), "--target", "duckdb", "--duckdb-path", str(path)]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert main(["--export", str(FIXTURES / "small"), "--target", "duckdb"]) == 1
    assert "--duckdb-path" in capsys.readouterr().err
    with pytest.raises(LoadError, match="more than one file"):
        export = copy_export("small", tmp_path / "twice")
        (export / "opportunity.csv.gz").write_bytes(b"")
        load_export(export, "duckdb", duckdb_path=tmp_path / "x.duckdb")
