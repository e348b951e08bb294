"""Row anomalies a real export carries: each ends in a quarantine with its reason or in a
data-quality finding, the build goes on, every raw row lands in exactly one place, and the
company's bookings are those of the rows that should count.

One copy of the small fixture export (its bad rows dropped, as in test_quarantine_reasons.py)
carries every anomaly at once, each on deals of its own (one build for all cases):

    deal                anomaly                                          outcome
    W 0065g00000AbcdE   history row 1 CloseDate 1899-12-31 (Excel)       kept, close date blank
    A ...011AAA         history and field history dated before creation  kept, moved to creation
    B ...012AAA         CreatedDate 1900-01-00 (Excel zero date)         missing_required_value
    C ...013AAA         Amount -500                                      implausible_amount
    D ...014AAA         Amount 9.99e15 (fits DECIMAL(18,2))              implausible_amount
    E ...015AAA         Amount 1e20 (beyond DECIMAL(18,2))               invalid_amount
    F ...016AAA         won 1,000 EUR; EUR dated rates overlap           one rate: 0.5
    G ...017AAA         absent from Opportunity.csv (a filtered export)  children unknown_opportunity
    H ...018AAA         IsWon "maybe"                                    children parent_quarantined
    3 ...003AAA         an extra history row with Amount 1e13            implausible_amount
Quota rows: Ravi -100 and Mona 5e12 are implausible_amount, Rita's 50,000 is kept. Task 1
has CompletedDateTime 1899-12-30T00:00:00Z: kept, completed_at blank. Every deal B..H has one
history row, one field-history row, one task and one event (WhatId = the deal): each follows
its deal into the quarantine (B, C, D, E, H: parent_quarantined; G: unknown_opportunity).

EUR rates: 0.8 from 2025-01-01 (NextStartDate 2025-04-01), 0.5 from 2025-02-01 (NextStartDate
2025-05-01: overlaps the first), and two rows of 2025-04-01 with different rates
(conflicting_duplicate_id, by the object's key IsoCode + StartDate). Each rate ends at the
earlier of its NextStartDate and the next StartDate: 0.8 over January, 0.5 from February 1 to
May 1. Deal F closed 2025-02-10: 1,000 EUR / 0.5 = 2,000 USD, counted once.

Company bookings 2025-Q1, worked out from the rows that should count: won deals W 12,000,
A 3,000 and F 2,000 USD = 17,000, 3 won deals (B..E and H are quarantined, G is absent).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from dbt_helpers import accounting, build, copy_export, query, quarantine, read_rows, write_rows

# the small fixture's rows that are bad on purpose (see test_quarantine_reasons.py)
BAD_ROWS = {"Opportunity.csv": [2, 5, 6, 7, 8, 9, 10], "OpportunityHistory.csv": [6, 7, 8], "User.csv": [5]}
SELECTION = [
    "--select", "resource_type:seed", "path:models/staging", "path:tests/staging", "+rpt_kpi_tier1_outcomes",
    "+rpt_data_quality", "+fct_stage_visits", "+fct_stage_entries", "+dim_opportunities",
    "--exclude", "test_type:unit",
    "--indirect-selection", "cautious",
]
RITA, RAVI, MONA = "005000000000001AAA", "005000000000002AAA", "005000000000003AAA"
W = "0065g00000AbcdEAAR"
A, B, C, D, E, F, G, H = (f"0060000000000{n}AAA" for n in range(11, 19))
OPEN_DEAL = "006000000000003AAA"
Q1 = "period_grain = 'quarter' and period_start = date '2025-01-01'"

OPPORTUNITY_HEADER_EXTRA = ["CurrencyIsoCode"]
FIELD_HISTORY_HEADER = ["Id", "OpportunityId", "CreatedById", "CreatedDate", "Field", "OldValue", "NewValue", "IsDeleted"]
EVENT_HEADER = [
    "Id", "WhoId", "WhatId", "AccountId", "OwnerId", "Subject", "Type", "EventSubtype", "StartDateTime",
    "EndDateTime", "CreatedDate", "IsDeleted", "ActivityDateTime", "ActivityDate", "DurationInMinutes",
]
QUOTA_HEADER = ["Id", "QuotaOwnerId", "StartDate", "QuotaAmount", "CurrencyIsoCode", "IsDeleted"]
RATE_HEADER = ["Id", "IsoCode", "ConversionRate", "StartDate", "NextStartDate", "IsDeleted"]


def _won_deal(deal_id: str, name: str, amount: str, created: str, close: str, currency: str = "USD", **changes) -> dict:
    return {
        "Id": deal_id, "AccountId": "001000000000001AAA", "OwnerId": RITA, "Name": name, "StageName": "Closed Won",
        "Amount": amount, "CloseDate": close, "CreatedDate": created, "IsClosed": "true", "IsWon": "true",
        "ForecastCategoryName": "Closed", "Type": "New Business", "LeadSource": "Web", "Probability": "100",
        "IsDeleted": "false", "CurrencyIsoCode": currency, **changes,
    }


def _history(row_id: str, deal_id: str, created: str, stage: str, amount: str, close: str) -> dict:
    probability = "100" if stage == "Closed Won" else "10"
    category = "Closed" if stage == "Closed Won" else "Pipeline"
    return {
        "Id": row_id, "OpportunityId": deal_id, "CreatedById": RITA, "CreatedDate": created, "StageName": stage,
        "Amount": amount, "CloseDate": close, "Probability": probability, "ForecastCategory": category,
    }


def _task(row_id: str, deal_id: str, created: str, **changes) -> dict:
    return {
        "Id": row_id, "WhoId": "", "WhatId": deal_id, "AccountId": "001000000000001AAA", "OwnerId": RITA,
        "Subject": "Call", "Type": "Call", "TaskSubtype": "Call", "Status": "Completed", "ActivityDate": created[:10],
        "CreatedDate": created, "CompletedDateTime": created, "CallDurationInSeconds": "60", "IsDeleted": "false",
        **changes,
    }


def _event(row_id: str, deal_id: str, start: str) -> dict:
    return {
        "Id": row_id, "WhoId": "", "WhatId": deal_id, "AccountId": "001000000000001AAA", "OwnerId": RITA,
        "Subject": "Meeting", "Type": "Meeting", "EventSubtype": "Event", "StartDateTime": start, "EndDateTime": start,
        "CreatedDate": start, "IsDeleted": "false", "ActivityDateTime": start, "ActivityDate": start[:10],
        "DurationInMinutes": "30",
    }


def anomalous_export(destination: Path) -> Path:
    export = copy_export("small", destination)
    for file_name, bad in BAD_ROWS.items():
        header, rows = read_rows(export / file_name)
        write_rows(export / file_name, header, [row for number, row in enumerate(rows, 1) if number not in bad])

    header, opportunities = read_rows(export / "Opportunity.csv")
    for row in opportunities:
        row["CurrencyIsoCode"] = "USD"
    opportunities += [
        _won_deal(A, "Clamped", "3000", "2025-01-12T10:00:00Z", "2025-02-20"),
        _won_deal(B, "Zero created", "4000", "1900-01-00", "2025-02-20"),
        _won_deal(C, "Negative", "-500", "2025-01-13T10:00:00Z", "2025-02-20"),
        _won_deal(D, "Huge", "9.99e15", "2025-01-14T10:00:00Z", "2025-02-20"),
        _won_deal(E, "Overflow", "1e20", "2025-01-15T10:00:00Z", "2025-02-20"),
        _won_deal(F, "Euro", "1000", "2025-01-16T10:00:00Z", "2025-02-10", currency="EUR"),
        _won_deal(H, "Bad flag", "2500", "2025-01-18T10:00:00Z", "2025-02-20", IsWon="maybe"),
    ]
    write_rows(export / "Opportunity.csv", header + OPPORTUNITY_HEADER_EXTRA, opportunities)

    header, history = read_rows(export / "OpportunityHistory.csv")
    history[0]["CloseDate"] = "1899-12-31"  # deal W's first row: a blank cell after Excel
    history += [
        _history("008000000000011AAA", A, "2025-01-02T09:00:00Z", "Prospecting", "3000", "2025-02-28"),  # before creation
        _history("008000000000012AAA", A, "2025-02-20T09:00:00Z", "Closed Won", "3000", "2025-02-20"),
        _history("008000000000013AAA", OPEN_DEAL, "2025-02-05T12:00:00Z", "Qualification", "1e13", "2025-06-30"),
        _history("008000000000014AAA", F, "2025-01-16T10:00:00Z", "Prospecting", "1000", "2025-02-28"),
        _history("008000000000015AAA", F, "2025-02-10T09:00:00Z", "Closed Won", "1000", "2025-02-10"),
    ]
    children = [B, C, D, E, G, H]
    history += [
        _history(f"0080000000001{n}AAA", deal, "2025-01-20T10:00:00Z", "Prospecting", "1000", "2025-02-20")
        for n, deal in zip(range(21, 27), children)
    ]
    write_rows(export / "OpportunityHistory.csv", header, history)

    field_history = [
        {"Id": "017000000000011AAA", "OpportunityId": A, "CreatedById": RITA, "CreatedDate": "2025-01-01T08:00:00Z",
         "Field": "CloseDate", "OldValue": "2025-03-31", "NewValue": "2025-02-28", "IsDeleted": "false"},
    ] + [
        {"Id": f"0170000000001{n}AAA", "OpportunityId": deal, "CreatedById": RITA, "CreatedDate": "2025-01-25T08:00:00Z",
         "Field": "CloseDate", "OldValue": "2025-03-31", "NewValue": "2025-02-20", "IsDeleted": "false"}
        for n, deal in zip(range(21, 27), children)
    ]
    write_rows(export / "OpportunityFieldHistory.csv", FIELD_HISTORY_HEADER, field_history)

    header, tasks = read_rows(export / "Task.csv")
    tasks[0]["CompletedDateTime"] = "1899-12-30T00:00:00.000Z"  # an optional date-time left blank in Excel
    tasks += [_task(f"00T0000000001{n}AAA", deal, "2025-01-26T10:00:00Z") for n, deal in zip(range(21, 27), children)]
    write_rows(export / "Task.csv", header, tasks)

    events = [_event(f"00U0000000001{n}AAA", deal, "2025-01-27T10:00:00Z") for n, deal in zip(range(21, 27), children)]
    write_rows(export / "Event.csv", EVENT_HEADER, events)

    write_rows(export / "ForecastingQuota.csv", QUOTA_HEADER, [
        {"Id": "0J9000000000001AAA", "QuotaOwnerId": RITA, "StartDate": "2025-01-01", "QuotaAmount": "50000",
         "CurrencyIsoCode": "USD", "IsDeleted": "false"},
        {"Id": "0J9000000000002AAA", "QuotaOwnerId": RAVI, "StartDate": "2025-01-01", "QuotaAmount": "-100",
         "CurrencyIsoCode": "USD", "IsDeleted": "false"},
        {"Id": "0J9000000000003AAA", "QuotaOwnerId": MONA, "StartDate": "2025-01-01", "QuotaAmount": "5e12",
         "CurrencyIsoCode": "USD", "IsDeleted": "false"},
    ])
    write_rows(export / "DatedConversionRate.csv", RATE_HEADER, [
        {"Id": "04w000000000001AAA", "IsoCode": "EUR", "ConversionRate": "0.8", "StartDate": "2025-01-01",
         "NextStartDate": "2025-04-01", "IsDeleted": "false"},
        {"Id": "04w000000000002AAA", "IsoCode": "EUR", "ConversionRate": "0.5", "StartDate": "2025-02-01",
         "NextStartDate": "2025-05-01", "IsDeleted": "false"},
        {"Id": "04w000000000003AAA", "IsoCode": "EUR", "ConversionRate": "0.9", "StartDate": "2025-04-01",
         "NextStartDate": "2025-07-01", "IsDeleted": "false"},
        {"Id": "04w000000000004AAA", "IsoCode": "EUR", "ConversionRate": "0.95", "StartDate": "2025-04-01",
         "NextStartDate": "2025-07-01", "IsDeleted": "false"},
    ])
    return export


@pytest.fixture(scope="module")
def anomalies(tmp_path_factory) -> tuple[Path, Path]:
    work = tmp_path_factory.mktemp("row_anomalies")
    export = anomalous_export(work / "export")
    return export, build(export, work / "build", selection=SELECTION)


def _children(reason: str, deal_numbers: range, deals: list[str], object_rows: dict[str, int]) -> set[tuple]:
    """The quarantine rows of the child rows n (history, field history, task, event) of deals."""
    rows = set()
    for n, _deal in zip(deal_numbers, deals):
        rows |= {
            ("OpportunityHistory", f"0080000000001{n}AAA", object_rows["OpportunityHistory"] + n - 20, reason),
            ("OpportunityFieldHistory", f"0170000000001{n}AAA", object_rows["OpportunityFieldHistory"] + n - 20, reason),
            ("Task", f"00T0000000001{n}AAA", object_rows["Task"] + n - 20, reason),
            ("Event", f"00U0000000001{n}AAA", object_rows["Event"] + n - 20, reason),
        }
    return rows


def test_each_anomaly_is_quarantined_with_its_reason(anomalies):
    _, duckdb_path = anomalies
    # raw row numbers: the children of deal n (21..26) follow the rows before them
    before = {"OpportunityHistory": 10, "OpportunityFieldHistory": 1, "Task": 2, "Event": 0}
    expected = {
        ("Opportunity", B, 5, "missing_required_value"),
        ("Opportunity", C, 6, "implausible_amount"),
        ("Opportunity", D, 7, "implausible_amount"),
        ("Opportunity", E, 8, "invalid_amount"),
        ("Opportunity", H, 10, "invalid_boolean"),
        ("OpportunityHistory", "008000000000013AAA", 8, "implausible_amount"),
        ("ForecastingQuota", f"{RAVI}|2025-01-01", 2, "implausible_amount"),  # key: owner and start
        ("ForecastingQuota", f"{MONA}|2025-01-01", 3, "implausible_amount"),
        ("DatedConversionRate", "EUR|2025-04-01", 3, "conflicting_duplicate_id"),
        ("DatedConversionRate", "EUR|2025-04-01", 4, "conflicting_duplicate_id"),
    }
    parents = [B, C, D, E, G, H]
    for n, deal in zip(range(21, 27), parents):
        reason = "unknown_opportunity" if deal == G else "parent_quarantined"
        expected |= _children(reason, range(n, n + 1), [deal], before)
    assert quarantine(duckdb_path) == expected


def test_every_raw_row_lands_in_exactly_one_place(anomalies):
    export, duckdb_path = anomalies
    counts = accounting(duckdb_path)
    files = {
        "Opportunity": "Opportunity.csv", "OpportunityHistory": "OpportunityHistory.csv",
        "OpportunityFieldHistory": "OpportunityFieldHistory.csv", "Task": "Task.csv", "Event": "Event.csv",
        "ForecastingQuota": "ForecastingQuota.csv", "DatedConversionRate": "DatedConversionRate.csv",
    }
    for name, file_name in files.items():
        raw, staged, deleted, duplicate, quarantined = counts[name]
        assert raw == len(read_rows(export / file_name)[1]), name
        assert raw == staged + deleted + duplicate + quarantined, name
    assert counts["Opportunity"] == (10, 5, 0, 0, 5)
    assert counts["OpportunityHistory"] == (16, 9, 0, 0, 7)
    assert counts["OpportunityFieldHistory"] == (7, 1, 0, 0, 6)
    assert counts["Task"] == (8, 1, 1, 0, 6)
    assert counts["Event"] == (6, 0, 0, 0, 6)
    assert counts["ForecastingQuota"] == (3, 1, 0, 0, 2)
    assert counts["DatedConversionRate"] == (4, 2, 0, 0, 2)


def test_excel_zero_dates_are_blank_and_counted(anomalies):
    _, duckdb_path = anomalies
    # B's CreatedDate (quarantined as a blank required value), W's first history CloseDate and
    # task 1's CompletedDateTime (kept, blank)
    zero_dates = dict(query(
        duckdb_path,
        "select object_name, excel_zero_date_row_count from staging.stg_crm__row_accounting "
        "where excel_zero_date_row_count > 0",
    ))
    assert zero_dates == {"Opportunity": 1, "OpportunityHistory": 1, "Task": 1}
    assert query(
        duckdb_path,
        "select close_date from staging.stg_crm__opportunity_history "
        "where opportunity_history_id = '008000000000001AAA'",
    ) == [(None,)]
    assert query(
        duckdb_path, "select completed_at from staging.stg_crm__tasks where task_id = '00T000000000001AAA'"
    ) == [(None,)]
    assert query(
        duckdb_path,
        f"select excel_zero_date_row_count from marts.rpt_data_quality where grain = 'company' and {Q1}",
    ) == [(3,)]


def test_history_before_creation_is_moved_to_the_creation_and_flagged(anomalies):
    _, duckdb_path = anomalies
    rows = query(
        duckdb_path,
        "select opportunity_history_id, cast(changed_at as varchar), cast(recorded_changed_at as varchar), "
        f"is_before_creation from staging.stg_crm__opportunity_history where opportunity_id = '{A}' "
        "order by opportunity_history_id",
    )
    assert rows == [
        ("008000000000011AAA", "2025-01-12 10:00:00", "2025-01-02 09:00:00", True),
        ("008000000000012AAA", "2025-02-20 09:00:00", "2025-02-20 09:00:00", False),
    ]
    assert query(
        duckdb_path,
        "select cast(changed_at as varchar), is_before_creation from staging.stg_crm__opportunity_field_history "
        f"where opportunity_id = '{A}'",
    ) == [("2025-01-12 10:00:00", True)]
    # one creation, entered at the deal's creation, no negative time in a stage
    assert query(
        duckdb_path,
        "select count(*) filter (where history_sequence = 1), min(changed_at) = "
        f"(select created_at from staging.stg_crm__opportunities where opportunity_id = '{A}') "
        f"from intermediate.int_opportunity_history_sequenced where opportunity_id = '{A}'",
    ) == [(1, True)]
    assert query(
        duckdb_path, "select count(*) from intermediate.int_stage_visits where days_in_stage < 0"
    ) == [(0,)]
    assert query(
        duckdb_path,
        f"select history_before_creation_row_count from marts.rpt_data_quality where grain = 'company' and {Q1}",
    ) == [(2,)]


def test_overlapping_rates_give_one_rate_per_day(anomalies):
    _, duckdb_path = anomalies
    rates = query(
        duckdb_path,
        "select conversion_rate, cast(valid_from as varchar), cast(valid_to as varchar) "
        "from intermediate.int_currency_rates_dated where currency_code = 'EUR' order by valid_from",
    )
    assert rates == [(0.8, "2025-01-01", "2025-02-01"), (0.5, "2025-02-01", "2025-05-01")]
    assert query(
        duckdb_path, f"select amount from marts.dim_opportunities where opportunity_id = '{F}'"
    ) == [(Decimal("2000.00"),)]


def test_company_bookings_are_those_of_the_rows_that_count(anomalies):
    export, duckdb_path = anomalies
    # independently: the won Opportunity rows that are clean, closed in 2025-Q1, in USD at
    # the rate of their close date (EUR: 0.5 in February), none of the quarantined deals
    _, opportunities = read_rows(export / "Opportunity.csv")
    quarantined = {B, C, D, E, H}
    eur_rate_on_close = {"2025-02-10": Decimal("0.5")}
    expected_amount, expected_count = Decimal("0"), 0
    for row in opportunities:
        if row["Id"] in quarantined or row["IsWon"] != "true" or not "2025-01-01" <= row["CloseDate"] < "2025-04-01":
            continue
        rate = eur_rate_on_close[row["CloseDate"]] if row["CurrencyIsoCode"] == "EUR" else Decimal("1")
        expected_amount += Decimal(row["Amount"]) / rate
        expected_count += 1
    assert (expected_count, expected_amount) == (3, Decimal("17000"))
    assert query(
        duckdb_path,
        f"select won_count, bookings_amount from marts.rpt_kpi_tier1_outcomes where grain = 'company' and {Q1}",
    ) == [(expected_count, expected_amount)]
