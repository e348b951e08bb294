"""The reading rules of revops_kpis.export_formats: date orders, locale dates to ISO, one
decoding per line."""

from __future__ import annotations

import pytest

from revops_kpis.export_formats import DateEvidence, decide_date_order, decode_line, decoded_lines, to_iso


def evidence(*values: str) -> DateEvidence:
    found = DateEvidence()
    for row, value in enumerate(values, start=1):
        found.add(value, row)
    return found


def test_iso_values_need_no_order():
    found = evidence("2025-03-14", "2025-03-14T10:00:00.000Z", "", "null", "2025-03-14 10:00:00+02:00")
    assert (found.iso, found.locale, found.other) == (3, 0, 0)
    assert decide_date_order(found).order == "iso"


@pytest.mark.parametrize(
    ("values", "order", "reason"),
    [
        (["03/04/2025", "03/14/2025"], "us", "'03/14/2025' on row 2 can only be month/day/year"),
        (["03/04/2025", "14.03.2025 14:05"], "eu", "'14.03.2025 14:05' on row 2 can only be day/month/year"),
        (["3/4/25 2:05 PM", "12/31/24"], "us", "'12/31/24' on row 2 can only be month/day/year"),
    ],
)
def test_auto_reads_the_order_off_the_values_that_decide_it(values, order, reason):
    decision = decide_date_order(evidence(*values))
    assert decision.order == order and decision.reason == reason


def test_spreadsheet_zero_dates_say_nothing_about_the_order():
    # an ISO file with a blank date cell that went through Excel: staging reads these as blank
    found = evidence("2025-03-14", "1/0/1900", "12/30/1899", "30/12/1899", "0/1/1900")
    assert (found.iso, found.locale, found.day_first, found.month_first) == (1, 0, 0, 0)
    assert decide_date_order(found).order == "iso"
    # and a US file stays US
    assert decide_date_order(evidence("03/14/2025", "1/0/1900")).order == "us"


def test_values_that_cannot_decide_are_undecided_and_a_named_order_settles_it():
    found = evidence("03/04/2025", "05/06/2025", "2025-01-01")
    decision = decide_date_order(found)
    assert decision.order is None and decision.problem == "undecided"
    assert "all 2 locale dates" in decision.reason
    assert decide_date_order(found, "us").order == "us"
    assert decide_date_order(found, "eu").order == "eu"


def test_two_orders_in_one_file_conflict():
    decision = decide_date_order(evidence("13/01/2025", "01/13/2025"))
    assert decision.order is None and decision.problem == "conflict"
    assert "row 1 has '13/01/2025' (day first) but row 2 has '01/13/2025' (month first)" == decision.reason
    # a named order the values contradict is a conflict too
    named = decide_date_order(evidence("01/02/2025", "13/01/2025"), "us")
    assert named.order is None and "row 2 has '13/01/2025', which is not month/day/year" == named.reason


def test_unknown_order_is_refused():
    with pytest.raises(ValueError, match="date order"):
        decide_date_order(DateEvidence(), "mdy")


@pytest.mark.parametrize(
    ("value", "order", "with_time", "expected"),
    [
        ("03/14/2025", "us", False, "2025-03-14"),
        ("3/4/25", "us", False, "2025-03-04"),
        ("3/4/25", "eu", False, "2025-04-03"),
        ("14.03.2025", "eu", False, "2025-03-14"),
        ("14-03-2025", "eu", False, "2025-03-14"),
        # a date column keeps the date of a timestamp
        ("03/14/2025 11:30 PM", "us", False, "2025-03-14"),
        # 12-hour clocks: 12 AM is midnight, 12 PM noon
        ("03/14/2025 12:05 AM", "us", True, "2025-03-14 00:05:00"),
        ("03/14/2025 12:05 PM", "us", True, "2025-03-14 12:05:00"),
        ("03/14/2025 1:05 p.m.", "us", True, "2025-03-14 13:05:00"),
        ("14.03.2025 23:59:30", "eu", True, "2025-03-14 23:59:30"),
        ("14/03/2025 23:59:30.250+02:00", "eu", True, "2025-03-14 23:59:30.250+02:00"),
        ("3/14/2025", "us", True, "2025-03-14"),
        # two-digit years as spreadsheets read them
        ("1/2/69", "us", False, "2069-01-02"),
        ("1/2/70", "us", False, "1970-01-02"),
        # year first: one order only, converted whatever the order
        ("2025/03/14", "iso", False, "2025-03-14"),
        ("2025.03.14 2:05 PM", "auto", True, "2025-03-14 14:05:00"),
        # what is not a locale date, or not a possible one, stays as written for staging to judge
        ("2025-03-14T10:00:00.000Z", "us", True, "2025-03-14T10:00:00.000Z"),
        ("13/14/2025", "us", False, "13/14/2025"),
        ("03/14/2025 13:05 PM", "us", True, "03/14/2025 13:05 PM"),
        ("next Tuesday", "us", False, "next Tuesday"),
        ("03/14/2025", "iso", False, "03/14/2025"),
    ],
)
def test_to_iso(value, order, with_time, expected):
    assert to_iso(value, order, with_time) == expected


def test_each_line_is_utf8_where_it_is_valid_utf8_and_windows_1252_elsewhere():
    assert decode_line("Müller".encode()) == ("Müller", False)
    assert decode_line("Müller".encode("latin-1")) == ("Müller", True)
    # Windows-1252's curly quote and euro sign, which Latin-1 reads as control characters
    assert decode_line(b"\x93Quote\x94 \x80") == ("\u201cQuote\u201d \u20ac", True)
    # a byte Windows-1252 leaves undefined: the line is Latin-1
    assert decode_line(b"\x81\xe9") == ("\x81é", True)
    with pytest.raises(UnicodeDecodeError):
        decode_line(b"\xe9", fallback=None)


def test_decoded_lines_drop_the_byte_order_mark_and_count_fallback_lines():
    counter = [0]
    lines = [b"\xef\xbb\xbfId,Name\n", "1,Café\n".encode(), "2,Café\n".encode("latin-1")]
    assert list(decoded_lines(lines, counter=counter)) == ["Id,Name\n", "1,Café\n", "2,Café\n"]
    assert counter == [1]
