"""Pass-through columns (var revops_opportunity_pass_through_columns) and the segment field by
name (var opportunity_segment_field), end to end: the small fixture export with three custom
Opportunity fields added as an admin adds them (Region__c text, Renewal_Date__c a date with one
value a user typed as text, Segment__c), built from the files and from the same export loaded as
warehouse tables (revops_kpis.warehouse_load --pass-through-column). Each staged deal carries its
own values into dim_opportunities; a custom value that does not parse is null and never
quarantines a deal; every row is accounted for as without the custom fields."""

from __future__ import annotations

import datetime

import pytest

from dbt_helpers import accounting, build, copy_export, quarantine, query, read_rows, write_rows
from revops_kpis.warehouse_load import load_export
from test_staging_e2e import SMALL_ACCOUNTING, SMALL_QUARANTINE

# the deals the small export stages (the others are deleted or quarantined)
STAGED = ("0065g00000AbcdEAAR", "006000000000002AAA", "006000000000003AAA", "006000000000007AAA")
REGIONS = {"0065g00000AbcdEAAR": "EMEA", "006000000000002AAA": "North America", "006000000000007AAA": "APAC"}
RENEWAL_DATES = {"0065g00000AbcdEAAR": "2026-02-15", "006000000000002AAA": "next spring", "006000000000003AAA": "2026-06-30"}
SEGMENTS = {"0065g00000AbcdEAAR": "Enterprise", "006000000000002AAA": "SMB", "006000000000003AAA": "Mid-Market"}
PASS_THROUGH = ["Region__c", {"name": "Renewal_Date__c", "alias": "renewal_on", "type": "date"}]
BUILD_VARS = {"revops_opportunity_pass_through_columns": PASS_THROUGH, "opportunity_segment_field": "Segment__c"}
SELECTION = [
    "--select", "resource_type:seed", "+dim_opportunities", "+stg_crm__row_accounting", "+stg_crm__quarantine",
    "--exclude", "resource_type:unit_test",
    # only tests whose every parent is built
    "--indirect-selection", "cautious",
]


def _export_with_custom_fields(destination):
    export = copy_export("small", destination)
    header, rows = read_rows(export / "Opportunity.csv")
    for row in rows:
        row["Region__c"] = REGIONS.get(row["Id"], "")
        row["Renewal_Date__c"] = RENEWAL_DATES.get(row["Id"], "")
        row["Segment__c"] = SEGMENTS.get(row["Id"], "")
    write_rows(export / "Opportunity.csv", header + ["Region__c", "Renewal_Date__c", "Segment__c"], rows)
    return export


@pytest.fixture(scope="module", params=["files", "warehouse"])
def custom_build(request, tmp_path_factory):
    work = tmp_path_factory.mktemp(f"pass_through_{request.param}")
    export = _export_with_custom_fields(work / "export")
    if request.param == "files":
        return build(export, work, extra_vars=BUILD_VARS, selection=SELECTION), export
    load_export(
        export, "duckdb", "salesforce_raw", duckdb_path=work / "warehouse.duckdb",
        pass_through_columns=["Region__c", "Renewal_Date__c", "Segment__c"],
    )
    warehouse_vars = {**BUILD_VARS, "crm_source_mode": "warehouse", "revops_salesforce_schema": "salesforce_raw"}
    return build(work / "no-such-export", work, extra_vars=warehouse_vars, selection=SELECTION), export


def _expected(export) -> dict[str, tuple]:
    """Worked out from the CSV: each staged deal's own values (blank = null; a renewal date that
    is not an ISO date = null)."""
    _, rows = read_rows(export / "Opportunity.csv")
    expected = {}
    for row in rows:
        if row["Id"] not in STAGED:
            continue
        renewal = row["Renewal_Date__c"]
        try:
            renewal_on = datetime.date.fromisoformat(renewal) if renewal else None
        except ValueError:
            renewal_on = None
        expected[row["Id"]] = (row["Region__c"] or None, renewal_on, row["Segment__c"] or None)
    return expected


def test_each_deal_carries_its_custom_fields_into_dim_opportunities(custom_build):
    duckdb_path, export = custom_build
    rows = query(duckdb_path, "select opportunity_id, region_c, renewal_on, opportunity_type from marts.dim_opportunities")
    assert {row[0]: row[1:] for row in rows} == _expected(export)
    assert _expected(export)["006000000000002AAA"] == ("North America", None, "SMB")


def test_custom_fields_quarantine_nothing(custom_build):
    duckdb_path, _ = custom_build
    assert accounting(duckdb_path) == SMALL_ACCOUNTING
    assert quarantine(duckdb_path) == SMALL_QUARANTINE


def test_the_custom_columns_follow_the_contract_columns(custom_build):
    duckdb_path, _ = custom_build
    columns = [row[0] for row in query(
        duckdb_path,
        "select column_name from information_schema.columns where table_schema = 'marts' "
        "and table_name = 'dim_opportunities' order by ordinal_position",
    )]
    assert columns[-2:] == ["region_c", "renewal_on"]
    assert columns[:2] == ["opportunity_id", "account_id"]
