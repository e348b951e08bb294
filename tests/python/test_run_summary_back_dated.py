"""The run summary's line on back-dated closes, on a hand-made marts.dim_opportunities: four deals,
three closed, of which two are back-dated (deal 2 closed in the stage history 40 days after its
CloseDate, deal 3 loaded on 2025-06-02 with CloseDate 2025-01-31, before its creation) and one
is not (deal 1); deal 4 is open. So: 2 of 3 closed deals, 1 with a CloseDate before creation."""

from __future__ import annotations

import duckdb

from revops_kpis.run_summary import format_back_dated_closes

DEALS = [
    # opportunity_id, is_closed, is_back_dated_close, expected_close_date, created_date
    ("006000000000001AAA", True, False, "2025-03-27", "2025-03-03"),
    ("006000000000002AAA", True, True, "2025-04-10", "2025-02-03"),
    ("006000000000003AAA", True, True, "2025-01-31", "2025-06-02"),
    ("006000000000004AAA", False, False, "2025-09-30", "2025-05-01"),
]


def _connection(rows):
    connection = duckdb.connect()
    connection.execute("create schema marts")
    connection.execute(
        "create table marts.dim_opportunities (opportunity_id varchar, is_closed boolean,"
        " is_back_dated_close boolean, expected_close_date date, created_date date)"
    )
    for row in rows:
        connection.execute("insert into marts.dim_opportunities values (?, ?, ?, ?, ?)", row)
    return connection


def test_back_dated_closes_are_counted_among_the_closed_deals():
    lines = format_back_dated_closes(_connection(DEALS))
    assert lines[0].startswith(
        "Back-dated closes: 2 of 3 closed deals have a CloseDate and a stage history that disagree"
        " (1 with a CloseDate before the deal was created;"
    )
    assert "back_dated_close_count" in lines[1] and "is_back_dated_close" in lines[1]


def test_nothing_is_said_without_back_dated_closes_or_marts():
    assert format_back_dated_closes(_connection(DEALS[:1] + DEALS[3:])) == []
    assert format_back_dated_closes(duckdb.connect()) == []
