"""What reads the marts works on a HubSpot build unchanged: the HubSpot demo export
(data/demo_export_hubspot), built once for the run (conftest.hubspot_demo_build, the build the
twin test compares), is read by every page of the Streamlit dashboard (driven headless as
test_dashboard.py does), by the run summary (`revops-kpis summary`) and by MetricFlow (the
semantic layer), whose numbers must equal the marts'. Expected values are worked out here from
the deals (dim_opportunities) and the row accounting, not read back from what is checked."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pandas as pd
import pytest

from conftest import HUBSPOT_DEMO
from dbt_helpers import query
from revops_kpis.semantic_layer import metricflow_project_dir, mf_query
from test_dashboard import assert_every_page_renders, run_page
from test_semantic_layer import _close, _day, _mart, _number


@pytest.fixture(scope="module")
def warehouse(hubspot_demo_build):
    path = hubspot_demo_build[0]
    saved = os.environ.get("REVOPS_DUCKDB_PATH")
    os.environ["REVOPS_DUCKDB_PATH"] = str(path)
    yield path
    if saved is None:
        os.environ.pop("REVOPS_DUCKDB_PATH", None)
    else:
        os.environ["REVOPS_DUCKDB_PATH"] = saved


def test_the_build_is_a_hubspot_build(warehouse):
    objects = {row[0] for row in query(warehouse, "select object_name from staging.stg_crm__row_accounting")}
    assert {"deal", "deal_stage", "owner", "engagement"} <= objects and "Opportunity" not in objects


def test_every_dashboard_page_renders(warehouse):
    """As test_dashboard.test_every_page_renders_with_charts_and_tables, on the HubSpot build."""
    assert_every_page_renders()


def test_the_rep_table_names_hubspot_owners_and_teams(warehouse):
    """The rep grain of a KPI page lists the reps by their HubSpot owner names, each with its
    HubSpot team (not 'unassigned')."""
    app = run_page("pages/tier1_outcomes.py", period_choice="complete", grain="rep")
    rows = next(element.value for element in app.dataframe if "bookings_amount" in element.value.columns)
    owners = {row[0] for row in query(warehouse, "select rep_name from marts.dim_reps")}
    assert set(rows["name"]) <= owners and len(rows) > 10
    teams = {row[0] for row in query(warehouse, "select distinct team_name from marts.dim_reps")}
    assert "unassigned" not in teams and len(teams) == 4


def _summary(warehouse, capsys) -> str:
    from revops_kpis.cli import main

    assert main(["summary", "--duckdb", str(warehouse), "--export", str(HUBSPOT_DEMO)]) == 0
    return capsys.readouterr().out


def test_the_summary_of_a_hubspot_build(warehouse, capsys):
    out = _summary(warehouse, capsys)
    # the funnel from the pipeline's stages, the HubSpot staging, and users (owners) present
    assert "Stage order from the export's deal_pipeline_stage table" in out
    assert "staging.stg_hubspot__*" in out and "stg_salesforce__" not in out
    assert "The export has no users" not in out
    # every HubSpot table counted, the total as the row accounting's sum
    raw, staged = query(warehouse, "select sum(raw_row_count), sum(staged_row_count) from staging.stg_crm__row_accounting")[0]
    total = next(line.split() for line in out.splitlines() if line.strip().startswith("total"))
    assert total[1:3] == [f"{raw:,}", f"{staged:,}"]
    for table in ("deal", "deal_stage", "deal_property_history", "owner", "engagement_call", "quota"):
        assert any(line.split()[:1] == [table] for line in out.splitlines()), table
    # the company scorecard of the latest complete quarter (as of 2026-09-30: Q2 2026), worked
    # out from the deals: won deals by the date of their outcome
    assert "Company scorecard, fiscal quarter 2026-04-01 to 2026-07-01 (latest complete quarter):" in out
    won, lost, bookings = query(warehouse, """
        select count(*) filter (where is_won), count(*) filter (where is_lost),
               sum(amount) filter (where is_won)
        from marts.dim_opportunities
        where is_closed and outcome_date >= date '2026-04-01' and outcome_date < date '2026-07-01'
    """)[0]
    assert f"bookings USD {float(bookings):,.2f}" in out
    assert f"won {won} / lost {lost}" in out
    assert f"win rate {won / (won + lost):.1%}" in out


@pytest.fixture(scope="module")
def semantic_build(hubspot_demo_build, tmp_path_factory):
    """MetricFlow over a private copy of the build's DuckDB file (mf opens it to write, and the
    twin test may be reading the shared one in another worker). The copy keeps the file's name:
    the semantic manifest names the database by it."""
    duckdb_path, work = hubspot_demo_build
    private = tmp_path_factory.mktemp("hubspot_mf")
    copy = private / duckdb_path.name
    shutil.copyfile(duckdb_path, copy)
    return copy, metricflow_project_dir(work / "target", private / "mf")


def test_metricflow_equals_the_marts_by_quarter_and_grain(semantic_build):
    """Tier 1 to 3 metrics (sums, ratios, a median) by quarter for the company, each rep and
    each team (HubSpot owners and teams), as `mf query` computes them from the semantic models,
    equal the marts' rows."""
    duckdb_path, project = semantic_build
    metrics = ["bookings_amount", "won_count", "closed_count", "win_rate", "avg_deal_size_amount",
               "stage_conversion_rate", "pipeline_coverage_ratio", "median_sales_cycle_days",
               "positive_interaction_rate"]
    tiers = {"bookings_amount": "rpt_kpi_tier1_outcomes", "won_count": "rpt_kpi_tier2_diagnostics",
             "closed_count": "rpt_kpi_tier2_diagnostics", "win_rate": "rpt_kpi_tier2_diagnostics",
             "avg_deal_size_amount": "rpt_kpi_tier2_diagnostics"}
    compared = 0
    for grain, group_by in (("company", []), ("rep", ["rep"]), ("team", ["rep__team_id"])):
        rows = mf_query(project, duckdb_path, metrics, ["metric_time__fiscal_quarter", *group_by])
        by_key = {(row[group_by[0]] if group_by else "all", _day(row["metric_time__fiscal_quarter"])): row
                  for row in rows}
        marts = {}
        for table in {tiers.get(metric, "rpt_kpi_tier3_levers") for metric in metrics}:
            columns = [metric for metric in metrics if tiers.get(metric, "rpt_kpi_tier3_levers") == table]
            for key, values in _mart(duckdb_path, table, grain, "quarter", columns).items():
                marts.setdefault(key, {}).update(values)
        # MetricFlow also names the users who are no reps (managers: their interactions), which
        # the marts count on their team and the company alone
        reps = {row[0] for row in query(duckdb_path, "select rep_id from marts.dim_reps")}
        extra = set(by_key) - set(marts)
        assert by_key and all(grain == "rep" and user not in reps for user, _ in extra), (grain, extra)
        for key, mart in marts.items():
            row = by_key.get(key)
            if row is None:
                assert all(value in (None, 0) for value in mart.values()), (grain, key, mart)
                continue
            for metric in metrics:
                assert _close(_number(row[metric]), mart[metric], metric), (grain, key, metric, row[metric], mart[metric])
                compared += 1
    assert compared > 1000


def test_metricflow_bookings_by_quarter_from_the_deals(semantic_build):
    """The company's bookings per quarter from the deals themselves (won, by outcome date)."""
    duckdb_path, project = semantic_build
    rows = mf_query(project, duckdb_path, ["bookings_amount"], ["metric_time__fiscal_quarter"])
    mf = {_day(row["metric_time__fiscal_quarter"]): _number(row["bookings_amount"]) for row in rows}
    deals = pd.DataFrame(query(duckdb_path, """
        select outcome_date, amount from marts.dim_opportunities where is_won
    """), columns=["outcome_date", "amount"])
    deals["quarter"] = [dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1) for day in deals["outcome_date"]]
    expected = deals.groupby("quarter")["amount"].sum()
    assert sorted(day for day, amount in mf.items() if amount) == sorted(expected.index)
    for quarter, amount in expected.items():
        assert mf[quarter] == pytest.approx(float(amount), abs=0.005), quarter
