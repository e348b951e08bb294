"""The MetricFlow semantic layer (models/semantic/) on the demo export, built with a fiscal year
starting in February and periods cut in New York time, so that fiscal quarters are not calendar
quarters and reporting dates are not UTC dates: every KPI column of the tier tables has a
metric, ratios are ratio (or derived) metrics, and `mf query` gives the marts' values at company,
team and rep level by fiscal year and quarter, and by fiscal week (weeks from Sunday in that
build, so not MetricFlow's ISO week). Bookings and win rate are also worked out here
from the deals themselves: a closed deal counts in the fiscal quarter of its CloseDate (a calendar
date, never shifted by the time zone), read here from the export's Opportunity.csv."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import defaultdict

import duckdb
import pytest

from conftest import BI_BUILD_VARS, DEMO
from dbt_helpers import query
from revops_kpis.semantic_layer import metricflow_project_dir, mf_query

TIER_TABLES = ["rpt_kpi_tier1_outcomes", "rpt_kpi_tier2_diagnostics", "rpt_kpi_tier3_levers"]
KEYS = {"grain", "grain_id", "grain_name", "period_grain", "period_start", "period_end",
        "is_retention_window_complete", "is_retention_base_window_complete", "is_nrr_window_complete",
        "is_nrr_base_window_complete", "is_opportunity_cohort_mature", "is_lead_cohort_mature"}
FISCAL_START_MONTH = BI_BUILD_VARS["fiscal_year_start_month"]
WEEK_START_DAY = BI_BUILD_VARS["week_start_day"]
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


@pytest.fixture(scope="module")
def semantic_build(bi_build):
    duckdb_path, work = bi_build
    return duckdb_path, metricflow_project_dir(work / "target", work / "mf")


def _mf(semantic_build, metrics, group_by):
    duckdb_path, project = semantic_build
    return mf_query(project, duckdb_path, metrics, group_by)


def _number(text: str) -> float | None:
    return None if text == "" else float(text)


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text[:10])


def _mart(duckdb_path, table, grain, period_grain, columns):
    """{(grain_id, period_start): {column: value}} of a KPI mart."""
    rows = query(
        duckdb_path,
        f"select grain_id, period_start, {', '.join(columns)} from marts.{table} "
        f"where grain = '{grain}' and period_grain = '{period_grain}'",
    )
    return {(row[0], row[1]): dict(zip(columns, row[2:])) for row in rows}


# The marts publish rounded numbers (macros/reporting/publish_round.sql): money to the cent,
# rates and durations to 6 places; MetricFlow computes its ratios from the sums, unrounded. A
# mart's value is MetricFlow's rounded to its places: they differ by at most half a unit of
# the last place (5e-7 for 6 places, within the 1e-6 kept for every other column).
HALF_A_CENT = 0.005 + 1e-9
HALF_OF_THE_6TH_PLACE = 5e-7 + 1e-12


def _is_money(column: str) -> bool:
    words = column.split("_")
    return "amount" in words and not {"rate", "ratio"} & set(words)


def _close(mf_value: float | None, mart_value, column: str = "") -> bool:
    """Equal up to the mart's published rounding, where MetricFlow's null for an empty sum is
    the mart's zero."""
    if mart_value is None or mf_value is None:
        return mf_value is None and mart_value in (None, 0)
    return math.isclose(mf_value, float(mart_value), rel_tol=1e-9,
                        abs_tol=HALF_A_CENT if _is_money(column) else 1e-6)


def _fiscal_starts(day: dt.date, start_month: int = FISCAL_START_MONTH) -> tuple[dt.date, dt.date]:
    """(fiscal quarter start, fiscal year start) of a day, fiscal years starting in start_month."""
    months_since_year_start = (day.month - start_month) % 12
    year_start = dt.date(day.year if day.month >= start_month else day.year - 1, start_month, 1)
    quarter_month = year_start.month + months_since_year_start // 3 * 3
    quarter_start = dt.date(year_start.year + (quarter_month - 1) // 12, (quarter_month - 1) % 12 + 1, 1)
    return quarter_start, year_start


def test_fiscal_starts_helper_on_hand_worked_days():
    assert _fiscal_starts(dt.date(2025, 1, 31), 2) == (dt.date(2024, 11, 1), dt.date(2024, 2, 1))
    assert _fiscal_starts(dt.date(2025, 2, 1), 2) == (dt.date(2025, 2, 1), dt.date(2025, 2, 1))
    assert _fiscal_starts(dt.date(2025, 12, 31), 2) == (dt.date(2025, 11, 1), dt.date(2025, 2, 1))
    assert _fiscal_starts(dt.date(2025, 12, 31), 1) == (dt.date(2025, 10, 1), dt.date(2025, 1, 1))
    assert _fiscal_starts(dt.date(2025, 3, 15), 11) == (dt.date(2025, 2, 1), dt.date(2024, 11, 1))


def _week_start(day: dt.date, week_start_day: str = WEEK_START_DAY) -> dt.date:
    """First day of the week holding a day, weeks starting on week_start_day."""
    return day - dt.timedelta(days=(day.weekday() - WEEKDAYS.index(week_start_day)) % 7)


def test_week_start_helper_on_hand_worked_days():
    # Saturday 2025-02-01: the Sunday before, or the Monday before; a Sunday starts its own week
    assert _week_start(dt.date(2025, 2, 1), "sunday") == dt.date(2025, 1, 26)
    assert _week_start(dt.date(2025, 2, 1), "monday") == dt.date(2025, 1, 27)
    assert _week_start(dt.date(2025, 1, 26), "sunday") == dt.date(2025, 1, 26)
    assert _week_start(dt.date(2025, 1, 26), "monday") == dt.date(2025, 1, 20)


def _close_dates() -> dict[str, dt.date]:
    """Each deal's CloseDate as the demo export's Opportunity.csv has it (its ids are 18
    characters; a duplicated row repeats its values): the date of the deal's final close, as
    the export ends with its history."""
    with duckdb.connect() as connection:
        rows = connection.execute(
            f"select distinct Id, CloseDate from read_csv('{DEMO / 'Opportunity.csv'}', all_varchar = true)"
        ).fetchall()
    dates = {}
    for opportunity_id, text in rows:
        try:
            dates[opportunity_id] = dt.date.fromisoformat(text)
        except (TypeError, ValueError):  # 2025-13-45: the row is quarantined, no deal
            pass
    return dates


def _closed_deals(duckdb_path):
    """Closed deals with the fiscal periods of their CloseDate in the export: the calendar
    date, whatever the reporting time zone."""
    rows = query(
        duckdb_path,
        "select opportunity_id, owner_at_close_id, is_won, amount from marts.dim_opportunities where is_closed",
    )
    close_dates = _close_dates()
    deals = []
    for opportunity_id, owner, is_won, amount in rows:
        quarter, year = _fiscal_starts(close_dates[opportunity_id])
        deals.append({"rep": owner, "quarter": quarter, "year": year, "week": _week_start(close_dates[opportunity_id]),
                      "won": is_won, "amount": amount})
    return deals


def test_every_tier_kpi_has_a_metric_and_ratios_are_never_averaged(semantic_build):
    duckdb_path, project = semantic_build
    manifest = json.loads((project / "target" / "semantic_manifest.json").read_text())
    metrics = {metric["name"]: metric for metric in manifest["metrics"]}
    kpi_columns = {
        row[0] for row in query(
            duckdb_path,
            "select column_name from information_schema.columns where table_schema = 'marts' "
            f"and table_name in ({', '.join(repr(t) for t in TIER_TABLES)})",
        )
    } - KEYS
    assert len(kpi_columns) > 60
    assert sorted(kpi_columns - metrics.keys()) == []
    ratios = {c for c in kpi_columns if c.endswith(("_rate", "_ratio")) or c.startswith("avg_") or "_per_" in c}
    ratios |= {"cac_amount", "positive_interaction_rate"}
    aggregations = {measure["name"]: measure["agg"] for model in manifest["semantic_models"]
                    for measure in model["measures"]}
    assert "average" not in aggregations.values()
    # a rate is a ratio of sums (or derived from them), or a quartile across reps or deals
    simple = {c for c in ratios if metrics[c]["type"] == "simple"}
    assert {metrics[c]["type"] for c in ratios - simple} <= {"ratio", "derived"}
    assert simple == {"quota_attainment_p25_rate", "quota_attainment_median_rate", "quota_attainment_p75_rate"}
    assert {aggregations[metrics[c]["type_params"]["measure"]["name"]] for c in simple} == {"percentile"}
    assert metrics["win_rate"]["type"] == "ratio"
    assert metrics["win_rate"]["type_params"]["numerator"]["name"] == "won_count"
    assert metrics["win_rate"]["type_params"]["denominator"]["name"] == "closed_count"
    share = metrics["positive_interaction_rate"]
    assert share["type"] == "ratio"
    assert share["type_params"]["numerator"]["name"] == "positive_interaction_count"
    assert share["type_params"]["denominator"]["name"] == "valued_interaction_count"


def test_bookings_and_kpis_of_the_company_by_fiscal_year(semantic_build):
    duckdb_path, _ = semantic_build
    metrics = ["bookings_amount", "won_count", "sales_velocity_per_day_amount", "stage_conversion_rate",
               "avg_interaction_value_amount", "positive_interaction_rate", "median_sales_cycle_days",
               "quota_carrying_rep_count"]
    rows = _mf(semantic_build, metrics, ["metric_time__fiscal_year"])
    by_year = {_day(row["metric_time__fiscal_year"]): row for row in rows}
    # worked out from the deals: close dates in New York, fiscal years from February 1st
    bookings = defaultdict(float)
    for deal in _closed_deals(duckdb_path):
        if deal["won"]:
            bookings[deal["year"]] += float(deal["amount"])
    assert sorted(by_year) == sorted(bookings) == [dt.date(2024, 2, 1), dt.date(2025, 2, 1), dt.date(2026, 2, 1)]
    for year, amount in bookings.items():
        assert math.isclose(_number(by_year[year]["bookings_amount"]), amount, abs_tol=0.005)
    # and the marts' company rows, metric by metric
    tier1 = _mart(duckdb_path, "rpt_kpi_tier1_outcomes", "company", "year", ["bookings_amount", "won_count",
                                                                             "quota_carrying_rep_count"])
    tier3 = _mart(duckdb_path, "rpt_kpi_tier3_levers", "company", "year", metrics[2:7])
    compared = 0
    for (_, year), mart in tier1.items():
        mart.update(tier3[("all", year)])
        row = by_year.get(year)
        if row is None:
            assert all(value in (None, 0) for value in mart.values())
            continue
        for metric in metrics:
            assert _close(_number(row[metric]), mart[metric], metric), (year, metric, row[metric], mart[metric])
            compared += 1
    assert compared == 3 * len(metrics)


def test_win_rate_by_rep_and_fiscal_quarter(semantic_build):
    duckdb_path, _ = semantic_build
    rows = _mf(semantic_build, ["win_rate", "won_count", "closed_count"], ["metric_time__fiscal_quarter", "rep"])
    mf = {(row["rep"], _day(row["metric_time__fiscal_quarter"])): row for row in rows}
    # worked out from the deals
    counts = defaultdict(lambda: [0, 0])
    for deal in _closed_deals(duckdb_path):
        counts[(deal["rep"], deal["quarter"])][0] += int(deal["won"])
        counts[(deal["rep"], deal["quarter"])][1] += 1
    assert mf.keys() == counts.keys()
    for key, (won, closed) in counts.items():
        assert _number(mf[key]["win_rate"]) == pytest.approx(won / closed), key
    # and the mart's rep rows
    mart = _mart(duckdb_path, "rpt_kpi_tier2_diagnostics", "rep", "quarter", ["win_rate", "closed_count"])
    checked = 0
    for key, values in mart.items():
        if values["closed_count"]:
            # the mart's win rate is published to 6 places
            published = pytest.approx(values["win_rate"], rel=0, abs=HALF_OF_THE_6TH_PLACE)
            assert _number(mf[key]["win_rate"]) == published, key
            checked += 1
        else:
            assert key not in mf
    assert checked == len(counts) > 50


def test_tier3_levers_and_win_rate_by_team_and_fiscal_quarter(semantic_build):
    duckdb_path, _ = semantic_build
    metrics = ["stage_conversion_rate", "avg_days_in_stage", "pipeline_coverage_ratio", "slipped_rate",
               "account_reach_rate", "activity_to_opportunity_ratio", "positive_interaction_rate", "win_rate",
               "won_count", "closed_count"]
    rows = _mf(semantic_build, metrics, ["metric_time__fiscal_quarter", "rep__team_id"])
    mf = {(row["rep__team_id"], _day(row["metric_time__fiscal_quarter"])): row for row in rows}
    tier3 = _mart(duckdb_path, "rpt_kpi_tier3_levers", "team", "quarter", metrics)
    compared = defaultdict(int)
    averaged_differs = 0
    for key, mart in tier3.items():
        row = mf.get(key)
        if row is None:
            continue
        for metric in metrics:
            assert _close(_number(row[metric]), mart[metric], metric), (key, metric, row[metric], mart[metric])
            if mart[metric] not in (None, 0):
                compared[metric] += 1
        # a team's win rate is its won over its closed deals, not the mean of its reps' rates
        rep_rates = query(
            duckdb_path,
            "select avg(won_count / closed_count) from marts.rpt_kpi_tier2_diagnostics as t "
            "inner join marts.dim_reps as r on t.grain_id = r.rep_id "
            f"where t.grain = 'rep' and t.period_grain = 'quarter' and r.team_id = '{key[0]}' "
            f"and t.period_start = '{key[1]}' and t.closed_count > 0",
        )[0][0]
        if mart["win_rate"] is not None and not math.isclose(rep_rates, mart["win_rate"]):
            averaged_differs += 1
    assert len(tier3) > 30 and min(compared[metric] for metric in metrics) > 20
    assert averaged_differs > 10


def test_won_and_closed_deals_by_rep_and_fiscal_week(semantic_build):
    """Weeks from Sunday (BI_BUILD_VARS): metric_time__fiscal_week, the time spine's custom
    granularity, gives each rep's weekly counts, amounts and win rate as the deals' close dates
    do and as the mart's week rows publish them; the company's too."""
    duckdb_path, _ = semantic_build
    metrics = ["won_count", "closed_count", "won_amount", "win_rate"]
    rows = _mf(semantic_build, metrics, ["metric_time__fiscal_week", "rep"])
    mf = {(row["rep"], _day(row["metric_time__fiscal_week"])): row for row in rows}
    # worked out from the deals: the week (from Sunday) of each close date in the export
    totals = defaultdict(lambda: [0, 0, 0.0])
    for deal in _closed_deals(duckdb_path):
        for key in ((deal["rep"], deal["week"]), ("all", deal["week"])):
            totals[key][0] += int(deal["won"])
            totals[key][1] += 1
            totals[key][2] += float(deal["amount"] or 0) if deal["won"] else 0.0
    assert all(week.weekday() == 6 for _, week in totals)
    assert mf.keys() == {key for key in totals if key[0] != "all"}
    for key, (won, closed, amount) in totals.items():
        if key[0] == "all":
            continue
        assert int(_number(mf[key]["closed_count"])) == closed, key
        assert _number(mf[key]["win_rate"]) == pytest.approx(won / closed), key
        assert math.isclose(_number(mf[key]["won_amount"]) or 0.0, amount, abs_tol=HALF_A_CENT), key
    # and the mart's week rows, rep by rep
    mart = _mart(duckdb_path, "rpt_kpi_tier2_diagnostics", "rep", "week", metrics)
    checked = 0
    for key, values in mart.items():
        assert key[1].weekday() == 6, key
        if values["closed_count"]:
            for metric in metrics:
                assert _close(_number(mf[key][metric]), values[metric], metric), (key, metric)
            checked += 1
        else:
            assert key not in mf
    assert checked == len(mf) > 100
    # the company by week: the same sums without the rep
    company_rows = _mf(semantic_build, metrics, ["metric_time__fiscal_week"])
    company = {_day(row["metric_time__fiscal_week"]): row for row in company_rows}
    company_mart = _mart(duckdb_path, "rpt_kpi_tier2_diagnostics", "company", "week", metrics)
    for (_, week), values in company_mart.items():
        if values["closed_count"]:
            assert int(_number(company[week]["closed_count"])) == totals[("all", week)][1], week
            for metric in metrics:
                assert _close(_number(company[week][metric]), values[metric], metric), (week, metric)
        else:
            assert week not in company
