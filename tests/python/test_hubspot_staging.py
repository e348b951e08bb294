"""The HubSpot staging layer end to end: the hand-built Fivetran-style export
tests/fixtures/exports/hubspot_small (timestamps with fractions, ` UTC` and ISO `T…Z`,
booleans TRUE/false, a deleted deal, a deal of another pipeline, a copied stage row, the
`dealstage` property rows that duplicate deal_stage) built with crm_source hubspot. Every
expected number below is worked out by hand from the CSV files (see the comments)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import MODELS_ONLY
from dbt_helpers import accounting, build, copy_export, query, quarantine, read_rows, write_rows

HUBSPOT = {"crm_source": "hubspot"}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("hubspot_small")
    export = copy_export("hubspot_small", work / "export")
    return build(export, work / "build", extra_vars=HUBSPOT)


def test_row_accounting_counts_every_raw_row(warehouse: Path) -> None:
    counts = accounting(warehouse)
    # deal.csv: 101, 102, 105 staged; 104 _fivetran_deleted TRUE; 103 in pipeline renewals
    assert counts["deal"] == (5, 3, 1, 0, 1)
    # deal_stage.csv: 4 rows of 101 + 3 of 102 + 2 of 105 staged; the last row copies 105's
    # second; 103's row follows its quarantined deal, 104's names a deleted (absent) deal
    assert counts["deal_stage"] == (12, 9, 0, 1, 2)
    # deal_property_history.csv: 9 rows of 101 + 9 of 102 + 7 of 105 staged, 103's amount quarantined
    assert counts["deal_property_history"] == (26, 25, 0, 0, 1)
    assert counts["merged_deal"] == (0, 0, 0, 0, 0)
    for object_name, (raw, staged, deleted, duplicate, quarantined) in counts.items():
        assert staged + deleted + duplicate + quarantined == raw, object_name
    assert quarantine(warehouse) == {
        ("deal", "103", 3, "other_pipeline"),
        ("deal_stage", "103|2024-02-01 09:00:00", 8, "parent_quarantined"),
        ("deal_stage", "104|2024-02-15 09:00:00", 9, "unknown_opportunity"),
        ("deal_property_history", "103|amount|2024-02-01 09:00:00", 19, "parent_quarantined"),
    }


def test_funnel_reads_closed_won_as_closed(warehouse: Path) -> None:
    rows = query(
        warehouse,
        "select stage_name, stage_order, is_closed, is_won, forecast_category "
        "from staging.stg_crm__stage_funnel order by stage_order",
    )
    assert rows == [
        ("Appointment Scheduled", 1, False, False, "Pipeline"),
        ("Qualified to Buy", 2, False, False, "Pipeline"),
        ("Presentation Scheduled", 3, False, False, "Best Case"),
        ("Decision Maker Bought-In", 4, False, False, "Commit"),
        ("Closed Won", 5, True, True, "Closed"),
        # is_closed blank, closed_won TRUE, probability 0.0: closed and lost
        ("Closed Lost", 6, True, False, "Omitted"),
    ]


def test_won_deal_and_its_amount(warehouse: Path) -> None:
    rows = query(
        warehouse,
        "select opportunity_id, stage_name, is_closed, is_won, amount, close_date, account_id, forecast_category "
        "from staging.stg_crm__opportunities order by opportunity_id",
    )
    assert rows == [
        # close date '2024-02-04 00:00:00 UTC'; primary company 201 (type 5) over 202 (341)
        ("101", "Closed Won", True, True, Decimal("12000.00"), date(2024, 2, 4), "201", "Closed"),
        ("102", "Closed Lost", True, False, Decimal("5000.00"), date(2024, 2, 10), "202", "Omitted"),
        # manual forecast category COMMIT; only company 201 (unlabelled)
        ("105", "Qualified to Buy", False, False, Decimal("8000.00"), date(2024, 4, 30), "201", "Commit"),
    ]
    # the won amount: deal 101 alone
    assert query(warehouse, "select sum(amount) from staging.stg_crm__opportunities where is_won") == [
        (Decimal("12000.00"),)
    ]


def test_transitions_with_a_manual_skip_and_an_import(warehouse: Path) -> None:
    history = query(
        warehouse,
        "select opportunity_id, opportunity_history_id, changed_at, stage_name, amount, close_date, "
        "forecast_category, change_source, changed_by_user_id "
        "from staging.stg_crm__opportunity_history order by opportunity_id, opportunity_history_id",
    )
    by_deal: dict[str, list[tuple]] = {}
    for row in history:
        by_deal.setdefault(row[0], []).append(row[1:])
    # deal 101: four stage entries (the dealstage property rows 1 ms later are not read);
    # Qualified to Buy -> Decision Maker Bought-In skips Presentation Scheduled, by a person
    # in the app (CRM_UI, userId:9012 = owner 40002); the close is a workflow's
    assert by_deal["101"] == [
        ("101-000001", datetime(2024, 1, 2, 9), "Appointment Scheduled", Decimal("10000.00"), date(2024, 2, 29),
         "Pipeline", "manual", "40002"),
        ("101-000002", datetime(2024, 1, 10, 15, 30, 0, 270000), "Qualified to Buy", Decimal("10000.00"),
         date(2024, 2, 29), "Pipeline", "manual", "40002"),
        ("101-000003", datetime(2024, 1, 20, 11), "Decision Maker Bought-In", Decimal("12000.00"), date(2024, 2, 29),
         "Commit", "manual", "40002"),
        ("101-000004", datetime(2024, 2, 4, 10), "Closed Won", Decimal("12000.00"), date(2024, 2, 4),
         "Closed", "automated", None),
    ]
    # deal 102: created by an import (userId:9011 = owner 40001), moved by a migration (no
    # user), its close date (epoch ms 1707004800000 = 2024-02-04) pushed to 2024-03-15, then lost
    assert by_deal["102"] == [
        ("102-000001", datetime(2024, 1, 5, 8, 0, 0, 54000), "Appointment Scheduled", Decimal("5000.00"),
         date(2024, 2, 4), "Pipeline", "import", "40001"),
        ("102-000002", datetime(2024, 1, 15, 9), "Presentation Scheduled", Decimal("5000.00"), date(2024, 2, 4),
         "Best Case", "import", None),
        ("102-000003", datetime(2024, 2, 1, 12), "Presentation Scheduled", Decimal("5000.00"), date(2024, 3, 15),
         "Best Case", "manual", "40001"),
        ("102-000004", datetime(2024, 2, 10, 16), "Closed Lost", Decimal("5000.00"), date(2024, 2, 10),
         "Omitted", "manual", "40001"),
    ]
    # deal 105: an integration moves it (an app id: nobody), then its owner commits it
    assert [(row[2], row[5], row[6]) for row in by_deal["105"]] == [
        ("Appointment Scheduled", "Pipeline", "manual"),
        ("Qualified to Buy", "Pipeline", "automated"),
        ("Qualified to Buy", "Commit", "manual"),
    ]


def test_owner_and_close_date_changes(warehouse: Path) -> None:
    rows = query(
        warehouse,
        "select opportunity_id, field_name, old_value, new_value, changed_by_user_id "
        "from staging.stg_crm__opportunity_field_history order by opportunity_id, changed_at",
    )
    assert rows == [
        ("101", "CloseDate", "2024-02-29", "2024-02-04", None),
        ("102", "Owner", "40001", "40002", "40001"),
        ("102", "CloseDate", "2024-02-04", "2024-03-15", "40001"),
        ("102", "CloseDate", "2024-03-15", "2024-02-10", "40001"),
    ]


def test_people_activities_and_the_rest(warehouse: Path) -> None:
    assert query(
        warehouse,
        "select user_id, user_name, is_active, team_id, team_name, led_team_id from staging.stg_crm__users order by user_id",
    ) == [
        ("40001", "Ada Lovelace", True, "700", "West", "700"),
        ("40002", "Bob Builder", True, "700", "West", None),
        ("40003", "Cy Former", False, "701", "East", None),
    ]
    # call 301: 125000 ms; linked to deals 103 (not staged) and 101: 101 is taken
    assert query(
        warehouse,
        "select task_id, task_type, what_id, who_id, account_id, call_duration_seconds from staging.stg_crm__tasks order by task_id",
    ) == [
        ("301", "Call", "101", "501", "201", 125),
        ("302", "Email", "101", None, "201", None),
        ("304", "Other", None, None, None, None),
    ]
    assert query(
        warehouse, "select event_id, what_id, who_id, account_id, started_at, ended_at from staging.stg_crm__events"
    ) == [("303", "102", "502", "202", datetime(2024, 1, 15, 14), datetime(2024, 1, 15, 15))]
    # 501 is a lead, 502 was one (history), 503 never
    assert query(warehouse, "select lead_id from staging.stg_crm__leads order by lead_id") == [("501",), ("502",)]
    assert query(warehouse, "select count(*), sum(quota_amount) from staging.stg_crm__quotas") == [
        (2, Decimal("80000.00"))
    ]
    # the export clock, the latest _fivetran_synced, is after the last change (2024-03-08 14:00)
    assert query(warehouse, "select as_of, as_of_derived_from from staging.stg_crm__export_as_of") == [
        (datetime(2024, 3, 10, 6), "system_stamp")
    ]


@pytest.fixture(scope="module")
def merged_and_unknown(tmp_path_factory) -> Path:
    """The fixture with deal 105 merged into 101 (merged_deal.csv, as the connector writes
    it), deal 102 moved to a stage the pipeline does not define, deal 103 without an owner
    (the column is exported: a blank is a missing value), and deal 101's second stage entry
    naming an undefined stage (a stage deleted from the pipeline settings)."""
    work = tmp_path_factory.mktemp("hubspot_small_merged")
    export = copy_export("hubspot_small", work / "export")
    write_rows(export / "merged_deal.csv", ["deal_id", "merged_deal_id", "_fivetran_synced"],
               [{"deal_id": "101", "merged_deal_id": "105", "_fivetran_synced": "2024-03-10 06:00:00.000"}])
    header, rows = read_rows(export / "deal.csv")
    rows[1]["deal_pipeline_stage_id"] = "contractsent"
    rows[2]["owner_id"] = ""
    write_rows(export / "deal.csv", header, rows)
    header, rows = read_rows(export / "deal_stage.csv")
    rows[1]["value"] = "qualified"
    write_rows(export / "deal_stage.csv", header, rows)
    return build(export, work / "build", extra_vars=HUBSPOT)


def test_merged_deals_and_unknown_stages_are_quarantined(merged_and_unknown: Path) -> None:
    counts = accounting(merged_and_unknown)
    # 101 staged; 104 deleted; 102 unknown_stage, 103 missing_required_value (the blank
    # owner is checked before the pipeline), 105 merged_deal
    assert counts["deal"] == (5, 1, 1, 0, 3)
    assert counts["merged_deal"] == (1, 1, 0, 0, 0)
    # 101's rows 1, 3, 4 staged; its row 2 unknown_stage; the 3 rows of 102 and the 3 of 105
    # (the copy included: a failure comes before the duplicate check) follow their deals,
    # 103's and 104's as before
    assert counts["deal_stage"] == (12, 3, 0, 0, 9)
    reasons = quarantine(merged_and_unknown)
    assert ("deal", "102", 2, "unknown_stage") in reasons
    assert ("deal", "105", 5, "merged_deal") in reasons
    assert ("deal", "103", 3, "missing_required_value") in reasons
    assert ("deal_stage", "101|2024-01-10 15:30:00.270000", 2, "unknown_stage") in reasons
    assert {row for row in reasons if row[0] == "deal_stage" and row[3] == "parent_quarantined"} == {
        ("deal_stage", "102|2024-01-05 08:00:00.054", 5, "parent_quarantined"),
        ("deal_stage", "102|2024-01-15T09:00:00Z", 6, "parent_quarantined"),
        ("deal_stage", "102|2024-02-10 16:00:00", 7, "parent_quarantined"),
        ("deal_stage", "103|2024-02-01 09:00:00", 8, "parent_quarantined"),
        ("deal_stage", "105|2024-03-01T12:00:00Z", 10, "parent_quarantined"),
        ("deal_stage", "105|2024-03-05 09:00:00", 11, "parent_quarantined"),
        ("deal_stage", "105|2024-03-05 09:00:00", 12, "parent_quarantined"),
    }
    # the won amount is unchanged: deal 101 alone, 12000
    assert query(merged_and_unknown, "select sum(amount) from staging.stg_crm__opportunities where is_won") == [
        (Decimal("12000.00"),)
    ]


@pytest.fixture(scope="module")
def future_rows(tmp_path_factory) -> Path:
    """The fixture with two rows stamped after the export was taken, built through the marts:
    deal 105's loss entered as 2031 (a mistyped year) in deal_stage, and an amount version of
    105 at 2024-03-10 18:00, twelve hours after its own row's _fivetran_synced (06:00) though
    within the clock's 24-hour tolerance (a clock set wrong in the integration that wrote it)."""
    work = tmp_path_factory.mktemp("hubspot_small_future")
    export = copy_export("hubspot_small", work / "export")
    header, rows = read_rows(export / "deal_stage.csv")
    rows.append({**rows[10], "value": "closedlost", "date_entered": "2031-03-07 10:00:00",
                 "_fivetran_start": "2031-03-07 10:00:00", "source": "CRM_UI", "source_id": "userId:9012"})
    write_rows(export / "deal_stage.csv", header, rows)
    header, rows = read_rows(export / "deal_property_history.csv")
    rows.append({"deal_id": "105", "name": "amount", "value": "9000", "timestamp": "2024-03-10 18:00:00",
                 "source": "INTEGRATION", "source_id": "1234567", "_fivetran_synced": "2024-03-10 06:00:00.000"})
    write_rows(export / "deal_property_history.csv", header, rows)
    return build(export, work / "build", extra_vars=HUBSPOT, selection=MODELS_ONLY)


def test_rows_stamped_after_the_export_are_quarantined(future_rows: Path, warehouse: Path) -> None:
    # the clock: every table's latest _fivetran_synced, 2024-03-10 06:00 (deal.csv and the rest),
    # + 24 hours (future_timestamp_tolerance_hours) = 2024-03-11 06:00
    assert query(future_rows, "select export_clock, export_clock_source, future_timestamp_after "
                              "from staging.stg_hubspot__export_clock") == [
        (datetime(2024, 3, 10, 6), "system_stamp", datetime(2024, 3, 11, 6))]
    assert {row for row in quarantine(future_rows) if row[3] == "future_timestamp"} == {
        # 2031-03-07 is past the clock's limit
        ("deal_stage", "105|2031-03-07 10:00:00", 13, "future_timestamp"),
        # 2024-03-10 18:00 is within the limit but after its own row's _fivetran_synced
        ("deal_property_history", "105|amount|2024-03-10 18:00:00", 27, "future_timestamp"),
    }
    counts, clean = accounting(future_rows), accounting(warehouse)
    # raw, staged, deleted, duplicate, quarantined: one more raw row each, quarantined
    assert counts["deal_stage"] == (13, 9, 0, 1, 3)
    assert counts["deal_property_history"] == (27, 25, 0, 0, 2)
    assert {name: c for name, c in counts.items() if name not in ("deal_stage", "deal_property_history")} == {
        name: c for name, c in clean.items() if name not in ("deal_stage", "deal_property_history")}
    # neither row moves the as-of (the 18:00 version would have been the latest business time)
    assert query(future_rows, "select as_of, as_of_derived_from from staging.stg_crm__export_as_of") == [
        (datetime(2024, 3, 10, 6), "system_stamp")]


def test_future_rows_leave_company_totals_alone(future_rows: Path) -> None:
    # by hand from deal.csv: one won deal, 101, 12,000, closedate 2024-02-04 (2024); 102 lost,
    # 105 open (its 2031 loss quarantined): nothing else books
    yearly = query(future_rows, "select period_start, won_count, bookings_amount from marts.rpt_kpi_tier1_outcomes "
                                "where grain = 'company' and period_grain = 'year' and won_count > 0")
    assert yearly == [(date(2024, 1, 1), 1, 12000)]
    # 105 is still open in its current stage
    assert query(future_rows, "select is_closed, stage_name from staging.stg_crm__opportunities "
                              "where opportunity_id = '105'") == [(False, "Qualified to Buy")]


@pytest.fixture(scope="module")
def deactivated_owner(tmp_path_factory) -> Path:
    """The fixture synced after Bob Builder (owner 40002, user 9012) left: HubSpot deactivated
    his user, so the connector writes owner.active_user_id blank, and a connector that syncs
    the owners API's userIdIncludingInactive writes user_id_including_inactive for every owner
    (9011 for Ada, 9012 for Bob)."""
    work = tmp_path_factory.mktemp("hubspot_small_deactivated")
    export = copy_export("hubspot_small", work / "export")
    header, rows = read_rows(export / "owner.csv")
    for row in rows:
        row["user_id_including_inactive"] = row["active_user_id"]
        if row["owner_id"] == "40002":
            row["active_user_id"] = ""
    write_rows(export / "owner.csv", header + ["user_id_including_inactive"], rows)
    return build(export, work / "build", extra_vars=HUBSPOT)


def test_a_deactivated_owners_changes_still_name_them(deactivated_owner: Path, warehouse: Path) -> None:
    who = ("select changed_by_user_id, count(*) from staging.stg_hubspot__deal_changes "
           "group by changed_by_user_id order by changed_by_user_id nulls last")
    # every userId:9012 change of deal_stage.csv and deal_property_history.csv is Bob's (40002),
    # as in the clean build where his user was active
    assert query(deactivated_owner, who) == query(warehouse, who)
    assert ("40002",) in {row[:1] for row in query(deactivated_owner, who)}
    # he is a leaver: not active (40003, Cy, left before: active_user_id blank in the fixture)
    assert query(deactivated_owner, "select user_id, is_active from staging.stg_crm__users order by user_id") == [
        ("40001", True), ("40002", False), ("40003", False)]
