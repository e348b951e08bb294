"""Contact details typed into free text (a deal name, an account name) stay in the clean staging
models, as exported, and are masked in the marts that BI tools read."""

from __future__ import annotations

import pytest

from dbt_helpers import build, copy_export, query, read_rows, write_rows

MARTS = ["--select", "+dim_accounts", "+dim_opportunities", "--exclude", "resource_type:test", "resource_type:unit_test"]


def _rename(export, file_name: str, record_id: str, name: str) -> None:
    header, rows = read_rows(export / file_name)
    for row in rows:
        if row["Id"] == record_id:
            row["Name"] = name
    write_rows(export / file_name, header, rows)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    work = tmp_path_factory.mktemp("masked")
    export = copy_export("small", work / "export")
    _rename(export, "Account.csv", "001000000000002AAA", "Globex (procurement: jane.roe@globex.com)")
    _rename(export, "Opportunity.csv", "006000000000003AAA", "Globex renewal - call Ann +1 415 555 0132")
    return build(export, work / "build", selection=MARTS)


def test_marts_publish_names_with_contact_details_masked(warehouse):
    assert query(warehouse, "select account_name from marts.dim_accounts where account_id = '001000000000002AAA'") == [
        ("Globex (procurement: [email])",)
    ]
    assert query(
        warehouse, "select opportunity_name from marts.dim_opportunities where opportunity_id = '006000000000003AAA'"
    ) == [("Globex renewal - call Ann [phone]",)]
    # a name without contact details is published as exported
    assert query(warehouse, "select account_name from marts.dim_accounts where account_id = '001000000000001AAA'") == [
        ("Acme, Inc.",)
    ]


def test_staging_keeps_the_text_as_exported(warehouse):
    assert query(
        warehouse, "select account_name from staging.stg_crm__accounts where account_id = '001000000000002AAA'"
    ) == [("Globex (procurement: jane.roe@globex.com)",)]
