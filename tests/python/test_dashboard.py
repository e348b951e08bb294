"""The Streamlit dashboard (dashboard/app.py), driven headless with AppTest over the demo export
built once for BI tools (conftest.bi_build: a February fiscal year, New York time). Values shown (metrics, tables, chart data) are checked against SQL over the
marts computed another way: from the entity and event tables (dim_opportunities,
fct_stage_transitions, fct_stage_entries, fct_interactions) or from numerators and denominators,
never by reading back the column the page shows."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd
import pyarrow as pa
import pytest
import yaml
from streamlit.testing.v1 import AppTest

from conftest import BI_BUILD_VARS
from revops_kpis.export_spec import PROJECT_ROOT

APP = str(PROJECT_ROOT / "dashboard" / "app.py")
REPORTING_ZONE = ZoneInfo(BI_BUILD_VARS["reporting_timezone"])
FISCAL_START_MONTH = BI_BUILD_VARS["fiscal_year_start_month"]
CENT = Decimal("0.01")
# the BI build leaves var corporate_currency at the project's default
CURRENCY = yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text())["vars"]["corporate_currency"]
PAGES = [
    "pages/this_quarter.py", "pages/pipeline.py", "pages/loss_reasons.py", "pages/tier1_outcomes.py", "pages/tier2_diagnostics.py", "pages/tier3_levers.py",
    "pages/rep_scorecard.py", "pages/funnel.py", "pages/interaction_value.py", "pages/data_quality.py",
]


@pytest.fixture(scope="module")
def warehouse(bi_build):
    path = bi_build[0]
    saved = os.environ.get("REVOPS_DUCKDB_PATH")
    os.environ["REVOPS_DUCKDB_PATH"] = str(path)
    yield path
    if saved is None:
        os.environ.pop("REVOPS_DUCKDB_PATH", None)
    else:
        os.environ["REVOPS_DUCKDB_PATH"] = saved


def sql(warehouse, text: str, parameters: list | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(text, parameters or []).fetchall()


def one(warehouse, text: str, parameters: list | None = None):
    return sql(warehouse, text, parameters)[0][0]


def as_of_local_date(warehouse) -> dt.date:
    as_of = one(warehouse, "select as_of from staging.stg_crm__export_as_of")
    return as_of.replace(tzinfo=dt.timezone.utc).astimezone(REPORTING_ZONE).date()


def months_before(day: dt.date, months: int) -> dt.date:
    return (pd.Timestamp(day) - pd.DateOffset(months=months)).date()


@pytest.fixture(scope="module")
def quarter(warehouse) -> tuple[dt.date, dt.date]:
    """The latest complete fiscal quarter before the as-of time, worked out from the as-of time,
    the reporting time zone and the fiscal year's first month alone."""
    today = as_of_local_date(warehouse)
    current = months_before(today.replace(day=1), (today.month - FISCAL_START_MONTH) % 3)
    return months_before(current, 3), current


RADIOS = {"period_choice"}


def run_page(page: str | None = None, **widgets) -> AppTest:
    """Runs the app (a page of it), after setting sidebar widgets by key (in the order given:
    period_choice="other" before a period_<grain>)."""
    app = AppTest.from_file(APP, default_timeout=60).run()
    for key, value in widgets.items():
        (app.radio(key=key) if key in RADIOS else app.selectbox(key=key)).set_value(value).run()
    if page:
        app.switch_page(page).run()
    assert not app.exception, [element.value for element in app.exception]
    return app


def metrics(app: AppTest) -> dict[str, tuple[str, str]]:
    return {metric.label: (metric.value, metric.help) for metric in app.metric}


def frame(app: AppTest, column: str) -> pd.DataFrame:
    """The first table on the page with this column."""
    return next(element.value for element in app.dataframe if column in element.value.columns)


def chart_frames(app: AppTest) -> list[pd.DataFrame]:
    """The data of every chart on the page, as sent to the browser."""
    return [
        pa.ipc.open_stream(dataset.data.data).read_all().to_pandas()
        for chart in app.get("vega_lite_chart")
        for dataset in chart.proto.datasets
    ]


def money(value) -> str:
    """An amount as the dashboard shows it: the corporate currency, to the unit."""
    value = float(value)
    sign = "-" if round(value) < 0 else ""
    return f"{sign}{CURRENCY} {abs(value):,.0f}"


def pct(value) -> str:
    return f"{float(value):.1%}"


def displayed(element) -> pd.DataFrame:
    """A table as the reader sees it: the shown columns under their headers, the formatted values."""
    values = pa.ipc.open_stream(element.proto.arrow_data.styler.display_values).read_all().to_pandas()
    labels = {name: settings["label"] for name, settings in json.loads(element.proto.columns).items()
              if isinstance(settings, dict) and "label" in settings}
    order = list(element.proto.column_order)
    return values[order].rename(columns=labels)


def table_with(app: AppTest, *headers: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(values, what is shown) of the first table with these headers."""
    element = next(element for element in app.dataframe if set(headers) <= set(displayed(element).columns))
    return element.value, displayed(element)


def won_lost(warehouse, start, end, team_id: str | None = None) -> tuple[int, int, float]:
    """Deals won and lost and the won amount in [start, end), by owner at close, from the deals."""
    team_filter = "and owner_at_close_id in (select rep_id from marts.dim_reps where team_id = ?)" if team_id else ""
    return sql(warehouse, f"""
        select count(*) filter (where is_won), count(*) filter (where is_lost),
               coalesce(sum(amount) filter (where is_won), 0)
        from marts.dim_opportunities
        where is_closed and outcome_date >= ? and outcome_date < ? {team_filter}
    """, [start, end, *([team_id] if team_id else [])])[0]


# ---------------------------------------------------------------- the app as a whole


def test_a_missing_warehouse_gives_a_clear_message(tmp_path, monkeypatch):
    missing = tmp_path / "nowhere.duckdb"
    monkeypatch.setenv("REVOPS_DUCKDB_PATH", str(missing))
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert not app.exception
    assert len(app.error) == 1
    assert f"No warehouse at {missing}" in app.error[0].value
    assert "scripts/run.sh" in app.error[0].value
    assert not app.metric


def test_every_page_renders_with_charts_and_tables(warehouse):
    assert_every_page_renders()


def assert_every_page_renders() -> None:
    """Every page of the dashboard over the warehouse of the environment: no error, a title,
    tables under plain headers with no raw null, headline numbers with their change, charts
    with data (test_hubspot_bi.py runs it on the HubSpot build)."""
    for page in PAGES:
        app = run_page(page)
        assert not app.error, (page, [element.value for element in app.error])
        assert app.title[0].value
        assert app.dataframe, page
        # an unknown (null) cell of any table reads n/a, as the metrics do; no table shows a
        # raw column name or a None, nan or NaT
        assert {element.proto.placeholder for element in app.dataframe} == {"n/a"}, page
        for element in app.dataframe:
            shown = displayed(element)
            assert all(header[0].isupper() and "_" not in header for header in shown.columns), (page, shown.columns)
            cells = set(shown.astype(str).to_numpy().ravel())
            assert not cells & {"None", "nan", "NaN", "NaT", "<NA>"}, (page, shown.columns)
        # every headline number says how it changed against the period before
        assert all(metric.proto.delta for metric in app.metric
                   if metric.label not in {"Reps", "Costliest reason", "Reps untrusted / to review"}), page
        charts = chart_frames(app)
        assert charts and all(not data.empty for data in charts), page


def test_default_filters_are_the_running_quarter_by_rep_with_a_switch(warehouse, quarter):
    app = run_page()
    assert app.selectbox(key="period_grain").value == "quarter"
    assert app.radio(key="period_choice").value == "running"
    assert app.selectbox(key="grain").value == "rep"
    assert app.selectbox(key="team").value is None
    # the switch to the last complete quarter; "another one" lists every quarter, the last
    # complete one first chosen
    app.radio(key="period_choice").set_value("complete").run()
    assert app.title[0].value == "Last complete quarter"
    assert queries_label(quarter) in app.caption[0].value
    app.radio(key="period_choice").set_value("other").run()
    assert app.selectbox(key="period_quarter").value == quarter[0]
    assert "in progress" not in app.selectbox(key="period_quarter").format_func(quarter[0])


def queries_label(period: tuple[dt.date, dt.date]) -> str:
    """A quarter as the dashboard names it: its first and last month."""
    return f"{period[0]:%b %Y} to {period[1] - dt.timedelta(days=1):%b %Y}"


# ---------------------------------------------------------------- this quarter


@pytest.fixture(scope="module")
def current_quarter(warehouse) -> tuple[dt.date, dt.date]:
    """The fiscal quarter holding the as-of time, from the as-of time, the reporting time zone
    and the fiscal year's first month alone."""
    today = as_of_local_date(warehouse)
    start = months_before(today.replace(day=1), (today.month - FISCAL_START_MONTH) % 3)
    return start, months_before(start, -3)


def test_the_first_page_is_this_quarter(warehouse):
    app = run_page()
    assert app.title[0].value == "This quarter"
    assert "in progress" in app.caption[0].value


def test_this_quarter_headline_from_the_deals_and_quotas(warehouse, current_quarter):
    app = run_page()
    shown = metrics(app)
    won, _, won_amount = won_lost(warehouse, *current_quarter)
    assert shown["Won to date"][0] == money(won_amount)
    assert shown["Won to date"][1].startswith(f"{won} deals won")
    quota, quota_to_date = sql(warehouse, """
        select sum(quota_amount), sum(quota_to_date_amount) from marts.rpt_kpi_tier2_diagnostics
        where grain = 'rep' and period_grain = 'quarter' and period_start = ?
    """, [current_quarter[0]])[0]
    gap = float(quota) - float(won_amount)
    assert shown["Gap to quota"][0] == money(max(gap, 0))
    # this build's quarter is already above its quota: the help says by how much
    assert gap < 0 and f"quota beaten by {money(-gap)}" in shown["Gap to quota"][1]
    assert shown["Pace"][0] == pct(float(won_amount) / float(quota_to_date))
    commit, best_case = calls_now(warehouse, current_quarter)
    assert shown["Commit"][0] == money(commit)
    assert shown["Best Case"][0] == money(best_case)


def calls_now(warehouse, current_quarter) -> tuple[float, float]:
    """The company's Commit and Best Case calls now: won to date + the open deals (open at the
    as-of time, by the open-deal rule of the period-end model) expected this quarter in
    Commit, then Best Case."""
    won_amount = won_lost(warehouse, *current_quarter)[2]
    open_by_category = dict(sql(warehouse, """
        select deals.forecast_category, sum(deals.amount)
        from intermediate.int_open_deals_at_period_end as open_deals
        inner join marts.dim_opportunities as deals on open_deals.opportunity_id = deals.opportunity_id
        where open_deals.period_grain = 'quarter' and open_deals.period_start = ?
            and open_deals.expected_close_date >= ? and open_deals.expected_close_date < ?
        group by 1
    """, [current_quarter[0], *current_quarter]))
    commit = float(won_amount) + float(open_by_category.get("Commit", 0))
    return commit, commit + float(open_by_category.get("Best Case", 0))


def test_this_quarter_forecast_band_week_by_week(warehouse, current_quarter):
    app = run_page()
    shown = metrics(app)
    trend = next(data for data in chart_frames(app) if "p10_amount" in data)
    # made at the quarter start, at each week start inside it up to the as-of date (the BI
    # build's weeks start on Sunday, var week_start_day), and at the as-of date
    assert BI_BUILD_VARS["week_start_day"] == "sunday"
    start, today = current_quarter[0], as_of_local_date(warehouse)
    sundays = [start + dt.timedelta(days=n) for n in range((today - start).days + 1)
               if (start + dt.timedelta(days=n)).weekday() == 6]
    made = sorted({start, *sundays})
    assert [value.date() if hasattr(value, "date") else value for value in trend["forecast_date"]] == [*made, today]
    assert list(trend["is_latest"]) == [False] * len(made) + [True]
    # a band: P10 <= P50 <= P90, never below what is already won by then
    assert (trend["p10_amount"] <= trend["p50_amount"]).all() and (trend["p50_amount"] <= trend["p90_amount"]).all()
    assert (trend["p10_amount"] >= trend["won_to_date_amount"] - 0.005).all()
    # the latest forecast starts from everything won so far
    won = won_lost(warehouse, *current_quarter)[2]
    assert trend["won_to_date_amount"].iloc[-1] == pytest.approx(float(won), abs=0.005)
    latest = trend.iloc[-1]
    assert shown["Forecast (P50)"][0] == money(latest["p50_amount"])
    assert f"P10 {money(latest['p10_amount'])} and P90 {money(latest['p90_amount'])}" in shown["Forecast (P50)"][1]
    # the lines beside the band: P50, the expected value, both calls and the won to date, one
    # point per forecast; the calls' last points are the calls now, from the deals
    lines = next(data for data in chart_frames(app) if "line" in data)
    assert set(lines["line"]) == {"forecast (P50)", "expected", "Commit call", "Best Case call", "won to date"}
    assert (lines.groupby("line").size() == len(made) + 1).all()
    commit, best_case = calls_now(warehouse, current_quarter)
    now = lines[lines["made"].str.endswith("(now)")].set_index("line")["amount"]
    assert now["Commit call"] == pytest.approx(commit, abs=0.005)
    assert now["Best Case call"] == pytest.approx(best_case, abs=0.005)
    assert now["won to date"] == pytest.approx(float(won), abs=0.005)
    # and the same week by week in a table, money with the currency
    values, table = table_with(app, "Made", "Best Case", "Expected")
    assert len(table) == len(made) + 1
    assert table["Best Case"].iloc[-1] == money(best_case) and table["Commit"].iloc[-1] == money(commit)
    assert all(text.startswith(f"{CURRENCY} ") for column in ("P10", "P50", "Expected", "P90")
               for text in table[column])


def test_this_quarter_waterfall_runs_from_the_opening_to_the_open_deals_now(warehouse, current_quarter):
    app = run_page()
    bars = next(data for data in chart_frames(app) if "bar_start" in data)
    steps = dict(zip(bars["step"], bars["bar_end"]))
    # opening: the pipeline at the quarter start expected to close in it
    opening_count, opening = sql(warehouse, """
        select count(*), sum(amount) from intermediate.int_pipeline_at_period_start
        where period_grain = 'quarter' and period_start = ? and is_expected_to_close_in_period
    """, [current_quarter[0]])[0]
    assert steps["opening"] == pytest.approx(float(opening), abs=0.005)
    # closing: the deals open now expected this quarter, at today's rate (dim_opportunities
    # values open deals at the as-of date's rate)
    closing_count, closing = sql(warehouse, """
        select count(*), sum(amount) from marts.dim_opportunities
        where not is_closed and expected_close_date >= ? and expected_close_date < ?
    """, list(current_quarter))[0]
    assert steps["closing"] == pytest.approx(float(closing), abs=0.005)
    # each step starts where the one before it ended, and the last movement ends at the closing
    moves = bars[bars["direction"] != "level"]
    assert list(moves["bar_start"][1:]) == pytest.approx(list(moves["bar_end"][:-1]), abs=0.005)
    assert moves["bar_start"].iloc[0] == pytest.approx(float(opening), abs=0.005)
    assert moves["bar_end"].iloc[-1] == pytest.approx(float(closing), abs=0.005)
    table = frame(app, "deal_count").set_index("step")
    assert table.loc["opening", "deal_count"] == opening_count
    assert table.loc["closing", "deal_count"] == closing_count


def test_this_quarter_lists_the_deals_that_moved_the_number(warehouse, current_quarter):
    app = run_page()
    start, end = current_quarter
    lists = [element.value for element in app.dataframe if "moved_date" in element.value.columns]
    pushes, pulled_in, new, lost = lists
    for deals in lists:
        assert 0 < len(deals) <= 10
        assert list(deals["amount"]) == sorted(deals["amount"], reverse=True)
    # a push: a close-date change saved this quarter from a date in it to one after it
    changes = sql(warehouse, """
        select deals.opportunity_name, changes.changed_at
        from intermediate.int_close_date_changes as changes
        inner join marts.dim_opportunities as deals on changes.opportunity_id = deals.opportunity_id
        where changes.previous_close_date >= ? and changes.previous_close_date < ? and changes.new_close_date >= ?
    """, [start, end, end])
    pushed = {(name, changed_at.replace(tzinfo=dt.timezone.utc).astimezone(REPORTING_ZONE).date())
              for name, changed_at in changes}
    assert {(row.opportunity_name, pd.Timestamp(row.moved_date).date()) for row in pushes.itertuples()} <= pushed
    # lost: closed lost this quarter; new: the deal's first recorded state (its creation, or its
    # first history row when the history starts later) is dated this quarter
    # (or a closed-lost stage entered this quarter: a lost deal can be reopened later)
    lost_names = {r[0] for r in sql(warehouse, """
        select opportunity_name from marts.dim_opportunities where is_lost and closed_date >= ? and closed_date < ?
    """, [start, end])} | {name for name, entered in sql(warehouse, """
        select deals.opportunity_name, states.valid_from
        from intermediate.int_opportunity_states_historized as states
        inner join marts.dim_opportunities as deals on states.opportunity_id = deals.opportunity_id
        where states.is_closed_stage and not states.is_won_stage
    """) if start <= entered.replace(tzinfo=dt.timezone.utc).astimezone(REPORTING_ZONE).date() < end}
    assert set(lost["opportunity_name"]) <= lost_names
    first_states = sql(warehouse, """
        select deals.opportunity_name, min(states.valid_from)
        from intermediate.int_opportunity_states_historized as states
        inner join marts.dim_opportunities as deals on states.opportunity_id = deals.opportunity_id
        group by deals.opportunity_id, deals.opportunity_name
    """)
    created_names = {name for name, first in first_states
                     if start <= first.replace(tzinfo=dt.timezone.utc).astimezone(REPORTING_ZONE).date() < end}
    assert set(new["opportunity_name"]) <= created_names
    assert len(pulled_in) > 0
    # the biggest pushes, found again from the staged history: a saved change this quarter that
    # moved an open deal's close date from inside the quarter to after it, at its amount before
    # the change in the corporate currency (the quarter-start rate), its stage before the change
    found = pushes_from_history(warehouse, start, end)
    _, shown = table_with(app, "Deal", "Owner", "Date", "Stage", "Amount")
    assert list(shown.columns) == ["Deal", "Owner", "Date", "Stage", "Amount"]
    biggest = found[0]
    assert (pushes["opportunity_name"].iloc[0], pd.Timestamp(pushes["moved_date"].iloc[0]).date(),
            pushes["stage_name"].iloc[0]) == biggest[1:]
    assert pushes["amount"].iloc[0] == pytest.approx(biggest[0], abs=0.005)
    assert list(pushes["amount"]) == pytest.approx([push[0] for push in found[:len(pushes)]], abs=0.005)
    assert all(text.startswith(f"{CURRENCY} ") for text in shown["Amount"])


def pushes_from_history(warehouse, start, end, owner_id: str | None = None) -> list[tuple]:
    """(amount, deal, local date, stage) of every push out of [start, end) saved in it, from the
    staged opportunity history alone, the biggest first (of one owner: the deal's owner)."""
    owner_filter = "and deals.owner_id = ?" if owner_id else ""
    rows = sql(warehouse, f"""
        with history as (
            select
                opportunity_id, changed_at, close_date,
                lag(close_date) over changes as previous_close_date,
                lag(amount) over changes as previous_amount,
                lag(stage_name) over changes as previous_stage_name
            from staging.stg_crm__opportunity_history
            window changes as (partition by opportunity_id order by changed_at, opportunity_history_id)
        )
        select deals.opportunity_name, history.changed_at, history.previous_stage_name,
               cast(history.previous_amount as double) / coalesce(rates.conversion_rate, 1)
        from history
        inner join staging.stg_crm__opportunities as deals on history.opportunity_id = deals.opportunity_id
        inner join staging.stg_crm__stage_funnel as funnel on history.previous_stage_name = funnel.stage_name
        left join staging.stg_crm__dated_conversion_rates as rates
            on deals.currency_code = rates.currency_code and rates.start_date <= ?
            and (rates.next_start_date is null or rates.next_start_date > ?)
        where not funnel.is_closed and history.previous_close_date >= ? and history.previous_close_date < ?
            and history.close_date >= ? {owner_filter}
    """, [start, start, start, end, end, *([owner_id] if owner_id else [])])
    local = [(round(amount, 2), name, changed.replace(tzinfo=dt.timezone.utc).astimezone(REPORTING_ZONE).date(), stage)
             for name, changed, stage, amount in rows]
    return sorted((push for push in local if start <= push[2] < end), key=lambda push: (-push[0], push[2]))


def test_this_quarter_of_one_rep_from_the_page_selector(warehouse, current_quarter):
    # the rep who won the most this quarter, from the deals
    rep, name, won_amount = sql(warehouse, """
        select deals.owner_at_close_id, reps.rep_name, sum(deals.amount)
        from marts.dim_opportunities as deals
        inner join marts.dim_reps as reps on deals.owner_at_close_id = reps.rep_id
        where deals.is_won and deals.outcome_date >= ? and deals.outcome_date < ?
        group by 1, 2 order by 3 desc, 1 limit 1
    """, list(current_quarter))[0]
    app = run_page()
    selector = app.selectbox(key="quarter_rep_None")
    assert selector.value == ("company", "all")
    assert name in selector.options  # the choices as shown: the reps' names
    selector.set_value(("rep", rep)).run()
    assert not app.exception
    assert name in app.caption[0].value
    shown = metrics(app)
    assert shown["Won to date"][0] == money(won_amount)
    trend = next(data for data in chart_frames(app) if "p10_amount" in data)
    assert trend["won_to_date_amount"].iloc[-1] == pytest.approx(float(won_amount), abs=0.005)
    # the deals that moved the rep's number are the rep's own; the pushes those of the history
    lists = [element.value for element in app.dataframe if "moved_date" in element.value.columns]
    assert all(set(deals["owner_name"]) <= {name} for deals in lists)
    found = pushes_from_history(warehouse, *current_quarter, owner_id=rep)
    assert list(lists[0]["amount"]) == pytest.approx([push[0] for push in found[:len(lists[0])]], abs=0.005)
    # teams at team grain: every team is a choice
    app.selectbox(key="grain").set_value("team").run()
    teams = {r[0] for r in sql(warehouse, "select distinct team_name from marts.dim_reps")}
    assert set(app.selectbox(key="quarter_team_None").options) == {"the company"} | {f"team {team}" for team in teams}


# ---------------------------------------------------------------- tiers


def test_tier1_shows_bookings_and_retention_of_the_company(warehouse, quarter):
    app = run_page("pages/tier1_outcomes.py", period_choice="complete")
    shown = metrics(app)
    won, _, won_amount = won_lost(warehouse, *quarter)
    assert shown["Bookings"][0] == money(won_amount)
    assert shown["Bookings"][1].startswith(f"{won} deals won")
    retained, base = sql(warehouse, """
        select retained_account_count, retention_base_account_count from marts.rpt_kpi_tier1_outcomes
        where grain = 'company' and period_grain = 'quarter' and period_start = ?
    """, [quarter[0]])[0]
    assert shown["Logo retention"][0] == pct(retained / base)
    rows = frame(app, "bookings_amount")
    reps = one(warehouse, "select count(*) from marts.dim_reps")
    assert len(rows) == reps and set(rows["name"]) <= {r[0] for r in sql(warehouse, "select rep_name from marts.dim_reps")}
    # the rep rows add up to the company's bookings
    assert rows["bookings_amount"].sum() == pytest.approx(float(won_amount))


def test_tier2_shows_win_rate_attainment_and_its_distribution(warehouse, quarter):
    app = run_page("pages/tier2_diagnostics.py", period_choice="complete")
    shown = metrics(app)
    won, lost, won_amount = won_lost(warehouse, *quarter)
    assert shown["Won / lost"][0] == f"{won} / {lost}"
    assert shown["Win rate"][0] == pct(won / (won + lost))
    assert shown["Average deal size"][0] == money(float(won_amount) / won)
    # quotas are decimal cents: read as floats, as the page does
    quotas = {rep: float(quota) for rep, quota in sql(warehouse, """
        select grain_id, quota_amount from marts.rpt_kpi_tier2_diagnostics
        where grain = 'rep' and period_grain = 'quarter' and period_start = ?
    """, [quarter[0]])}
    assert shown["Quota attainment"][0] == pct(float(won_amount) / sum(quotas.values()))
    # the distribution chart: one bar per rep with a quota, at won / quota from the deals
    won_by_rep = dict(sql(warehouse, """
        select owner_at_close_id, sum(amount) from marts.dim_opportunities
        where is_won and outcome_date >= ? and outcome_date < ? group by 1
    """, list(quarter)))
    bars = next(data for data in chart_frames(app) if "quota_attainment_rate" in data and "won_amount" in data)
    expected = {rep: float(won_by_rep.get(rep, 0)) / quota for rep, quota in quotas.items() if quota > 0}
    # rates are published to 6 places: within half of the 6th place of the exact ratio
    shown_attainment = dict(zip(bars["grain_id"], bars["quota_attainment_rate"]))
    assert shown_attainment == pytest.approx(expected, rel=0, abs=5e-7 + 1e-12)
    # a complete quarter is all elapsed: the pace is won over the whole quota, like attainment
    assert shown["Quota pace"][0] == pct(float(won_amount) / sum(quotas.values()))
    assert "(100.0% of the period elapsed)" in shown["Quota pace"][1]
    # the table: rep rows, the mart's own ratios beside their counts
    rows = frame(app, "forecast_accuracy_rate")
    assert rows["won_count"].sum() == won and rows["lost_count"].sum() == lost
    closed = rows[rows["closed_count"] > 0]
    assert list(closed["win_rate"]) == pytest.approx(list(closed["won_count"] / closed["closed_count"]))


def test_unknown_kpis_read_n_a_not_zero(warehouse):
    # the calendar's first fiscal quarter (February to April 2024) is months before the first
    # deal: nothing won or lost and no quota, so win rate, attainment, pace and forecast
    # accuracy are unknown, and shown as n/a (not 0.0%)
    first = one(warehouse, """
        select min(period_start) from marts.rpt_kpi_tier2_diagnostics where period_grain = 'quarter'
    """)
    first_end = months_before(first, -3)
    assert won_lost(warehouse, first, first_end) == (0, 0, 0)
    assert one(warehouse, "select count(*) from staging.stg_crm__quotas where start_date < ?",
               [first_end]) == 0
    app = run_page("pages/tier2_diagnostics.py", period_choice="other", period_quarter=first)
    shown = metrics(app)
    for label in ("Win rate", "Average deal size", "Quota attainment", "Quota pace", "Commit close rate",
                  "Forecast accuracy"):
        assert shown[label][0] == "n/a", (label, shown[label])
    assert shown["Won / lost"][0] == "0 / 0"
    # and so do the table's cells: no rep closed anything, so no win rate
    _, table = table_with(app, "Win rate")
    assert set(table["Win rate"]) == {"n/a"} and set(table["Average deal"]) == {"n/a"}


def test_tier3_shows_cycle_and_ratios_from_their_parts(warehouse, quarter):
    app = run_page("pages/tier3_levers.py", period_choice="complete")
    shown = metrics(app)
    median_cycle = one(warehouse, """
        select median(sales_cycle_days) from marts.dim_opportunities
        where is_won and outcome_date >= ? and outcome_date < ?
    """, list(quarter))
    assert shown["Sales cycle (median)"][0] == f"{median_cycle:,.1f} d"
    slipped, expected_to_close, advanced, entered = sql(warehouse, """
        select slipped_count, expected_to_close_count, stage_advance_count, stage_entry_count
        from marts.rpt_kpi_tier3_levers where grain = 'company' and period_grain = 'quarter' and period_start = ?
    """, [quarter[0]])[0]
    assert shown["Slipped"][0] == pct(slipped / expected_to_close)
    assert shown["Stage conversion"][0] == pct(advanced / entered)
    assert shown["Stage conversion"][1] == f"{advanced} of {entered} stage entries advanced"


def test_rep_scorecard_lists_every_rep_and_counts_flags(warehouse, quarter):
    app = run_page("pages/rep_scorecard.py", period_choice="complete")
    rows = frame(app, "is_commit_close_rate_below_floor")
    assert sorted(rows["name"]) == sorted(r[0] for r in sql(warehouse, "select rep_name from marts.dim_reps"))
    below = one(warehouse, """
        select count(*) from marts.rpt_rep_scorecard
        where grain = 'rep' and period_grain = 'quarter' and period_start = ?
            and stage_conversion_rate < team_median_stage_conversion_rate
    """, [quarter[0]])
    assert metrics(app)["Conversion below team median"][0] == str(below)


def test_funnel_counts_first_stage_entries_of_the_period(warehouse, quarter):
    app = run_page("pages/funnel.py", period_choice="complete")
    assert app.selectbox(key="funnel_rep_None").value == ("company", "all")
    entries = dict(sql(warehouse, """
        select stage_name, count(*) from marts.fct_stage_entries
        where not is_skipped and first_entered_date >= ? and first_entered_date < ? group by 1
    """, list(quarter)))
    table = frame(app, "entered_count")
    assert len(table) > 3
    assert {stage: entered for stage, entered in zip(table["stage_name"], table["entered_count"])} == {
        stage: entries.get(stage, 0) for stage in table["stage_name"]
    }
    assert list(table["stage_order"]) == sorted(table["stage_order"])
    funnel = next(data for data in chart_frames(app) if "entered_count" in data)
    assert list(funnel["entered_count"]) == list(table["entered_count"])
    # another entity: a rep's own funnel
    rep_id, rep_name = sql(warehouse, """
        select owner_at_creation_id, any_value(rep_name) from marts.dim_opportunities
        inner join marts.dim_reps on owner_at_creation_id = rep_id group by 1 order by count(*) desc limit 1
    """)[0]
    app.selectbox(key="funnel_rep_None").set_value(("rep", rep_id)).run()
    rep_table = frame(app, "entered_count")
    expected = dict(sql(warehouse, """
        select stage_name, entered_count from marts.rpt_stage_conversion
        where grain = 'rep' and grain_id = ? and period_grain = 'quarter' and period_start = ?
    """, [rep_id, quarter[0]]))
    assert dict(zip(rep_table["stage_name"], rep_table["entered_count"])) == expected
    assert rep_table["entered_count"].sum() < table["entered_count"].sum()


def test_funnel_greys_immature_cohorts_of_the_quarter_in_progress(warehouse, quarter):
    # the quarter holding the as-of time: its recent entries have had no time to move
    app = run_page("pages/funnel.py")  # the running quarter, by default
    maturity = dict(sql(warehouse, """
        select stage_name, is_cohort_mature from marts.rpt_stage_conversion
        where grain = 'company' and period_grain = 'quarter' and period_start = ?
    """, [quarter[1]]))
    assert False in maturity.values()
    funnel = next(data for data in chart_frames(app) if "entered_count" in data)
    greyed = {stage for stage, immature in zip(funnel["stage_name"], funnel["is_immature"]) if immature}
    assert greyed == {stage for stage, mature in maturity.items() if mature is False}
    for stage, label in zip(funnel["stage_name"], funnel["label"]):
        assert ("still open: too early to judge" in label) == (stage in greyed), (stage, label)
    # still open: the deals of the cohort not advanced, out of those that entered
    table = frame(app, "still_open_count")
    assert all(table["still_open_count"] <= table["entered_count"] - table["advanced_count"])


def test_interaction_value_by_rep_from_the_interactions(warehouse, quarter):
    app = run_page("pages/interaction_value.py", period_choice="complete")
    # interactions count for the rep who logged them; the company counts every interaction,
    # whoever logged it (managers' too)
    total, valued, positive = sql(warehouse, """
        select sum(interaction_value_amount), count(interaction_value_amount),
               count(*) filter (where interaction_value_amount > 0)
        from marts.fct_interactions
        where occurred_date >= ? and occurred_date < ?
    """, list(quarter))[0]
    shown = metrics(app)
    assert shown["Average interaction value"][0] == money(total / valued)
    assert shown["Total interaction value"][0] == money(total)
    assert shown["Positive share"] == (pct(positive / valued), f"{positive:,} of {valued:,} valued interactions "
                                                               "worth more than 0")
    # interaction values are cents; their average is published to the cent (half away from zero),
    # the positive share to 6 places
    by_rep = {rep: (float((amount / count).quantize(CENT, ROUND_HALF_UP)), amount, positives / count)
              for rep, amount, count, positives in sql(warehouse, """
        select owner_id, sum(interaction_value_amount), count(interaction_value_amount),
               count(*) filter (where interaction_value_amount > 0)
        from marts.fct_interactions
        where occurred_date >= ? and occurred_date < ? and owner_id in (select rep_id from marts.dim_reps)
            and interaction_value_amount is not null
        group by 1
    """, list(quarter))}
    rows = frame(app, "avg_interaction_value_amount")
    valued_rows = rows[rows["valued_interaction_count"] > 0]
    for column, position, tolerance in (("avg_interaction_value_amount", 0, 1e-9),
                                        ("interaction_value_sum_amount", 1, 1e-9),
                                        ("positive_interaction_rate", 2, 5e-7 + 1e-12)):
        assert dict(zip(valued_rows["grain_id"], valued_rows[column].astype(float))) == pytest.approx(
            {rep: float(expected[position]) for rep, expected in by_rep.items()}, rel=0, abs=tolerance), column
    # a rep with nothing valued has no mean and no share (unknown, not 0)
    assert rows.loc[rows["valued_interaction_count"] == 0, "positive_interaction_rate"].isna().all()
    means = next(data for data in chart_frames(app) if "avg_interaction_value_amount" in data and "name" in data)
    assert set(means["grain_id"]) == set(by_rep)
    shares = dict(zip(means["grain_id"], means["positive_interaction_rate"]))
    assert shares == pytest.approx({rep: share for rep, (_, _, share) in by_rep.items()}, rel=0, abs=5e-7 + 1e-12)


def test_value_histogram_bins_symmetric_around_zero():
    from dashboard.queries import value_histogram

    # non-zero sizes 10, 10, 20, 30, 40: their 95th percentile is 30 + 0.8 x 10 = 38, over 2 bins a
    # side 19, rounded up to the round width 20. Bins: below -20 | [-20, 0) | exactly 0 | (0, 20]
    # | above 20; 20 is in (0, 20], the unknown value in none
    histogram = value_histogram(pd.Series([-30, -10, 0, 10, 20, 40, None]), bins_per_side=2)
    assert list(histogram["bin"]) == ["below -20", "-20 to 0", "0", "0 to 20", "above 20"]
    assert list(histogram["sign"]) == ["negative", "negative", "zero", "positive", "positive"]
    assert list(histogram["interaction_count"]) == [1, 1, 1, 2, 1]
    # no negative value: the negative bins are there, empty (the chart stays symmetric)
    assert list(value_histogram(pd.Series([2.5, 0.5]), bins_per_side=2)["interaction_count"]) == [0, 0, 0, 1, 1]


def _valued_interaction_values(warehouse, start, end, team_id: str | None = None) -> list[float]:
    """The values of the interactions on an open deal dated in [start, end): every user's, or a
    team's reps' and its manager's (when the manager is no rep)."""
    team_filter = """
        and (owner_id in (select rep_id from marts.dim_reps where team_id = ?)
             or (owner_id = ? and owner_id not in (select rep_id from marts.dim_reps)))
    """ if team_id else ""
    return [float(value) for (value,) in sql(warehouse, f"""
        select interaction_value_amount from marts.fct_interactions
        where interaction_value_amount is not null and occurred_date >= ? and occurred_date < ? {team_filter}
    """, [start, end, *([team_id, team_id] if team_id else [])])]


def _check_histogram(app, values: list[float]) -> pd.DataFrame:
    """The page's histogram holds every value once, in the bin whose edges hold it, and its
    shares of negative, zero and positive values are those of the values."""
    histogram = next(data for data in chart_frames(app) if "bin_order" in data)
    assert list(histogram["bin_order"]) == list(range(-10, 11))
    # symmetric around zero: a bin's edges are the mirror of the opposite bin's
    inner = histogram[histogram["bin_start"].notna() & histogram["bin_end"].notna()].set_index("bin_order")
    for order in range(1, 10):
        assert inner.loc[-order, "bin_start"] == -inner.loc[order, "bin_end"]
        assert inner.loc[-order, "bin_end"] == -inner.loc[order, "bin_start"]
    for row in histogram.itertuples():
        if row.bin_order == 0:
            expected = sum(value == 0 for value in values)
        elif row.bin_order > 0:
            expected = sum(value > 0 and value > row.bin_start and (pd.isna(row.bin_end) or value <= row.bin_end)
                           for value in values)
        else:
            expected = sum(value < 0 and value < row.bin_end and (pd.isna(row.bin_start) or value >= row.bin_start)
                           for value in values)
        assert row.interaction_count == expected, row
    assert list(histogram.loc[histogram["bin_order"] < 0, "sign"].unique()) in ([], ["negative"])
    signs = next(data for data in chart_frames(app) if "share" in data and "sign" in data)
    counts = {"negative": sum(v < 0 for v in values), "zero": sum(v == 0 for v in values),
              "positive": sum(v > 0 for v in values)}
    assert dict(zip(signs["sign"], signs["interaction_count"])) == counts
    assert dict(zip(signs["sign"], signs["share"])) == pytest.approx({sign: n / len(values)
                                                                      for sign, n in counts.items()})
    return histogram


def test_interaction_value_distribution_from_the_interactions(warehouse, quarter):
    app = run_page("pages/interaction_value.py", period_choice="complete")
    values = _valued_interaction_values(warehouse, *quarter)
    assert len(values) > 500
    _check_histogram(app, values)
    # the method of the probabilities is said on the page; the stage win rates with a warning
    methods = {method for (method,) in sql(warehouse, """
        select distinct probability_method from marts.fct_interactions
        where interaction_value_amount is not null and occurred_date >= ? and occurred_date < ?
    """, list(quarter))}
    warned = any("stage_win_rate" in element.value for element in app.warning)
    assert warned == ("stage_win_rate" in methods)
    if not warned:
        assert any(all(method in element.value for method in methods) for element in app.caption)
    # the plain-language explanation comes first
    assert app.markdown[0].value.startswith("Each touch on an open deal is worth the deal's amount")
    # the largest moves: the five largest values first, then the five smallest; each row's change
    # in probability is after - before (the three published to 6 places: within 1.5 units of the 6th)
    moves = frame(app, "probability_delta")
    ordered = sorted(values)
    assert list(moves["interaction_value_amount"][:5]) == pytest.approx(ordered[::-1][:5])
    assert sorted(moves["interaction_value_amount"][5:]) == pytest.approx(ordered[:5])
    assert list(moves["probability_delta"]) == pytest.approx(
        list(moves["probability_after"] - moves["probability_before"]), rel=0, abs=1.5e-6 + 1e-12)
    # what ended each touch's interval, in words; a touch ended by the close moved to 1 or 0
    assert set(moves["ended_by"]) <= {"the next touch", "the close", "the as-of date", "the horizon"}
    closes = moves[moves["ended_by"] == "the close"]
    assert set(closes["probability_after"]) <= {0.0, 1.0}


def test_interaction_value_distribution_of_a_team(warehouse, quarter):
    team_id = one(warehouse, "select min(team_id) from marts.dim_reps")
    app = run_page("pages/interaction_value.py", period_choice="complete", team=team_id)
    values = _valued_interaction_values(warehouse, *quarter, team_id=team_id)
    assert 0 < len(values) < len(_valued_interaction_values(warehouse, *quarter))
    _check_histogram(app, values)
    # the team's headline counts are its mart row's, the same interactions as the histogram's here
    assert metrics(app)["Interactions valued"][0] == f"{len(values):,}"
    assert metrics(app)["Positive share"][0] == pct(sum(value > 0 for value in values) / len(values))


def test_data_quality_puts_trust_next_to_tier3(warehouse, quarter):
    app = run_page("pages/data_quality.py", period_choice="complete")
    manual_skips, transitions = sql(warehouse, """
        select count(*) filter (where is_manual_skip), count(*) from marts.fct_stage_transitions
        where not is_inferred_from_deal and changed_date >= ? and changed_date < ?
    """, list(quarter))[0]
    assert metrics(app)["Manual-skip rate"][0] == pct(manual_skips / transitions)
    rows = frame(app, "trust_rating")
    reps_with_changes = dict(sql(warehouse, """
        select owner_id, count(*) from marts.dq_stage_progression
        where flag_type = 'manual_skip' and changed_date >= ? and changed_date < ? group by 1
    """, list(quarter)))
    shown_skips = {rep: count for rep, count in zip(rows["grain_id"], rows["manual_skip_count"]) if count}
    assert shown_skips == reps_with_changes
    # Tier 3 numbers beside each rep are that rep's own
    levers = {rep: (conversion, cycle) for rep, conversion, cycle in sql(warehouse, """
        select grain_id, stage_conversion_rate, median_sales_cycle_days from marts.rpt_kpi_tier3_levers
        where grain = 'rep' and period_grain = 'quarter' and period_start = ?
    """, [quarter[0]])}
    for rep, conversion, cycle in zip(rows["grain_id"], rows["stage_conversion_rate"], rows["median_sales_cycle_days"]):
        expected_conversion, expected_cycle = levers[rep]
        assert (pd.isna(conversion) and expected_conversion is None) or conversion == pytest.approx(expected_conversion)
        assert (pd.isna(cycle) and expected_cycle is None) or cycle == pytest.approx(expected_cycle)
    # the least trustworthy first
    order = {"untrusted": 0, "review": 1, "trusted": 2}
    ranks = [order[rating] for rating in rows["trust_rating"]]
    assert ranks == sorted(ranks) and "review" in set(rows["trust_rating"])
    flagged = frame(app, "flagged_count")
    assert flagged["flagged_count"].sum() == one(warehouse, """
        select count(*) from marts.dq_stage_progression where changed_date >= ? and changed_date < ?
    """, list(quarter))


def test_headline_numbers_show_their_change_against_the_period_before(warehouse, quarter):
    app = run_page("pages/tier1_outcomes.py", period_choice="complete")
    before = (months_before(quarter[0], 3), quarter[0])
    change = float(won_lost(warehouse, *quarter)[2]) - float(won_lost(warehouse, *before)[2])
    bookings = next(metric for metric in app.metric if metric.label == "Bookings")
    assert bookings.proto.delta == ("+" if change >= 0 else "") + money(change)
    assert bookings.proto.delta_description == f"vs {queries_label(before)}"
    # a rate's change is in percentage points; a duration's is better when lower
    app = run_page("pages/tier2_diagnostics.py", period_choice="complete")
    won, lost, _ = won_lost(warehouse, *quarter)
    won_before, lost_before, _ = won_lost(warehouse, *before)
    win_rate = next(metric for metric in app.metric if metric.label == "Win rate")
    assert win_rate.proto.delta == f"{100 * (won / (won + lost) - won_before / (won_before + lost_before)):+.1f} pts"
    app.switch_page("pages/tier3_levers.py").run()
    cycle = next(metric for metric in app.metric if metric.label == "Sales cycle (median)")
    assert "Lower is better" in cycle.help


def test_tables_have_plain_headers_formatted_money_and_n_a(warehouse, quarter):
    app = run_page("pages/tier2_diagnostics.py", period_choice="complete")
    values, shown = table_with(app, "Quota attainment")
    assert list(shown.columns) == ["Rep", "Quota attainment", "Pace", "Quota", "Commit close rate",
                                   "Forecast accuracy", "Called"]
    # a rep without a quota has no attainment: n/a, not 0.0%
    quotas = dict(sql(warehouse, """
        select grain_id, quota_amount from marts.rpt_kpi_tier2_diagnostics
        where grain = 'rep' and period_grain = 'quarter' and period_start = ?
    """, [quarter[0]]))
    rows = dict(zip(values["grain_id"], shown.index))
    no_quota = [rep for rep, quota in quotas.items() if not quota]
    assert all(shown.loc[rows[rep], "Quota attainment"] == "n/a" for rep in no_quota)
    assert all(shown.loc[rows[rep], "Quota attainment"].endswith("%") for rep in quotas if rep not in no_quota)
    # amounts with the currency, from the deals: each rep's won amount
    values, shown = table_with(app, "Amount won")
    assert list(shown.columns) == ["Rep", "Won", "Lost", "Closed", "Win rate", "Amount won", "Average deal"]
    won_by_rep = dict(sql(warehouse, """
        select owner_at_close_id, sum(amount) from marts.dim_opportunities
        where is_won and outcome_date >= ? and outcome_date < ? group by 1
    """, list(quarter)))
    by_rep = dict(zip(values["grain_id"], shown["Amount won"]))
    assert {rep: by_rep[rep] for rep in won_by_rep} == {rep: money(amount) for rep, amount in won_by_rep.items()}
    assert all(text.startswith(f"{CURRENCY} ") for text in shown["Amount won"])
    assert all(text == "n/a" or text.endswith("%") for text in shown["Win rate"])


def test_names_come_from_the_marts(warehouse):
    # grain_name: the rep's name, the team's name, Company, as dim_reps has them
    for table in ("rpt_kpi_tier1_outcomes", "rpt_kpi_tier2_diagnostics", "rpt_kpi_tier3_levers",
                  "rpt_rep_scorecard", "rpt_data_quality", "rpt_forecast", "rpt_forecast_backtest",
                  "rpt_stage_conversion", "rpt_time_in_stage", "rpt_loss_reasons", "rpt_pipeline_flow",
                  "rpt_pipeline_daily"):
        wrong = sql(warehouse, f"""
            select distinct kpi.grain, kpi.grain_id, kpi.grain_name from marts.{table} as kpi
            left join marts.dim_reps as reps on kpi.grain = 'rep' and kpi.grain_id = reps.rep_id
            left join (select distinct team_id, team_name from marts.dim_reps) as teams
                on kpi.grain = 'team' and kpi.grain_id = teams.team_id
            where kpi.grain_name is distinct from case kpi.grain
                when 'company' then 'Company' when 'team' then teams.team_name else reps.rep_name end
        """)
        assert wrong == [], table
    code = (PROJECT_ROOT / "dashboard" / "queries.py").read_text()
    assert "left join marts.dim_reps" not in code.split("def valued_interactions")[0]


def test_loss_reasons_page_from_the_lost_deals(warehouse, quarter):
    app = run_page("pages/loss_reasons.py", period_choice="complete")
    lost = dict(sql(warehouse, """
        select loss_reason, count(*) from marts.dim_opportunities
        where is_lost and outcome_date >= ? and outcome_date < ? group by 1
    """, list(quarter)))
    shown = metrics(app)
    assert shown["Deals lost"][0] == f"{sum(lost.values()):,}"
    values, table = table_with(app, "Reason")
    assert list(table.columns) == ["Reason", "Deals lost", "Amount lost", "Deals lost, period before",
                                   "Amount lost, period before"]
    assert dict(zip(values["loss_reason"], values["lost_count"])) == {
        reason if reason else "unknown": count for reason, count in lost.items()}
    amounts = dict(sql(warehouse, """
        select coalesce(loss_reason, 'unknown'), sum(amount) from marts.dim_opportunities
        where is_lost and outcome_date >= ? and outcome_date < ? group by 1
    """, list(quarter)))
    assert dict(zip(table["Reason"], table["Amount lost"])) == {
        reason: money(amount) if amount is not None else "n/a" for reason, amount in amounts.items()}
    # the costliest reason first, and named in the headline
    assert shown["Costliest reason"][0] == values["loss_reason"].iloc[0]
    assert list(values["lost_amount"].fillna(0)) == sorted(values["lost_amount"].fillna(0), reverse=True)


def test_pipeline_page_lists_the_deals_to_act_on(warehouse):
    app = run_page("pages/pipeline.py")
    today = as_of_local_date(warehouse)
    open_deals = sql(warehouse, """
        select opportunity_id, amount, expected_close_date from marts.dim_opportunities where not is_closed
    """)
    # past due: open, the expected close date before today; the longest overdue first (deal
    # names are not unique: by id)
    values, shown = table_with(app, "Days overdue")
    past_due = {deal: (today - close).days for deal, _, close in open_deals if close is not None and close < today}
    assert f"({len(past_due):,} deals)" in next(m.value for m in app.markdown if m.value.startswith("**Past due"))
    assert list(shown["Days overdue"]) == [f"{past_due[deal]:,.1f} d" for deal in values["opportunity_id"]]
    assert list(values["past_due_days"]) == sorted(past_due.values(), reverse=True)[:len(values)]
    # biggest: the largest open amounts, with the currency
    values, shown = table_with(app, "Deal", "Forecast category")
    biggest = sorted((float(amount) for _, amount, _ in open_deals if amount is not None), reverse=True)
    assert list(shown["Amount"]) == [money(amount) for amount in biggest[:len(shown)]]
    # pushed twice or more (at risk): open deals whose close date was pushed later two or more times
    pushes = dict(sql(warehouse, """
        select changes.opportunity_id, count(*) from intermediate.int_close_date_changes as changes
        inner join marts.dim_opportunities as deals on changes.opportunity_id = deals.opportunity_id
        where changes.is_push and not deals.is_closed group by 1 having count(*) >= 2
    """))
    assert f"({len(pushes):,} deals)" in next(m.value for m in app.markdown if m.value.startswith("**Pushed twice"))
    values, shown = table_with(app, "Times pushed")
    assert list(shown["Times pushed"]) == [f"{pushes[deal]:,}" for deal in values["opportunity_id"]]
    assert list(values["close_date_push_count"]) == sorted(pushes.values(), reverse=True)[:len(values)]
    assert all("Pushed twice or more" in text for text in shown["What to do"])
    # stuck: longer in the current stage than the p75 (interpolated) of the ended visits to that stage
    visits = pd.DataFrame(sql(warehouse, """
        select opportunity_id, stage_name, days_in_stage, exited_at is null as is_current from marts.fct_stage_visits
    """), columns=["opportunity_id", "stage_name", "days", "is_current"])
    p75 = visits[~visits["is_current"]].groupby("stage_name")["days"].quantile(0.75)
    open_ids = {deal for deal, _, _ in open_deals}
    current = visits[visits["is_current"] & visits["opportunity_id"].isin(open_ids)]
    stuck = int((current["days"] > current["stage_name"].map(p75)).sum())
    assert f"({stuck:,} deals)" in next(m.value for m in app.markdown if m.value.startswith("**Stuck"))
    values, shown = table_with(app, "Stage p75 (days)")
    for row in values.itertuples():
        assert row.days_in_current_stage > p75[row.stage_name]
        assert row.stage_p75_days_in_stage == pytest.approx(p75[row.stage_name], abs=1e-6)
    assert all(text.endswith(" d") for text in shown["Days in stage"])
    # no recent interaction: no task or event on the deal's account in the 14 days (cadence_target_days) up to
    # the as-of time, or none ever
    as_of = one(warehouse, "select as_of from staging.stg_crm__export_as_of")
    last = dict(sql(warehouse, """
        select account_id, max(occurred_at) from marts.fct_interactions where account_id is not null group by 1
    """))
    accounts = dict(sql(warehouse, "select opportunity_id, account_id from marts.fct_open_deals"))
    quiet = [deal for deal, account in accounts.items()
             if last.get(account) is None or (as_of - last[account]).total_seconds() > 14 * 86400]
    assert f"({len(quiet):,} deals)" in next(m.value for m in app.markdown if m.value.startswith("**No recent"))
    values, shown = table_with(app, "Last interaction")
    assert set(values["opportunity_id"]) <= set(quiet)
    # the pipeline by stage and forecast category of the as-of day: at least the deals open now
    # and created before the day, at most those open at the day's start (created before it, not closed before it), from the deals
    day = one(warehouse, "select max(pipeline_date) from marts.rpt_pipeline_daily")
    assert day == today
    at_start = one(warehouse, """
        select count(*) from marts.dim_opportunities
        where created_date < ? and (not is_closed or closed_date >= ?)
    """, [day, day])
    values, shown = table_with(app, "Open deals")
    open_before = one(warehouse, """
        select count(*) from marts.dim_opportunities where not is_closed and created_date < ?
    """, [day])
    assert open_before <= values["open_deal_count"].sum() <= at_start
    assert all(text.startswith(f"{CURRENCY} ") for text in shown["Weighted amount"])


# ---------------------------------------------------------------- filters


def test_team_filter_narrows_headline_and_rows(warehouse, quarter):
    team_id = one(warehouse, "select min(team_id) from marts.dim_reps")
    app = run_page("pages/tier2_diagnostics.py", period_choice="complete", team=team_id)
    won, lost, _ = won_lost(warehouse, *quarter, team_id=team_id)
    company_won, company_lost, _ = won_lost(warehouse, *quarter)
    assert (won, lost) != (company_won, company_lost)
    assert metrics(app)["Won / lost"][0] == f"{won} / {lost}"
    team_reps = {r[0] for r in sql(warehouse, "select rep_id from marts.dim_reps where team_id = ?", [team_id])}
    assert set(frame(app, "forecast_accuracy_rate")["grain_id"]) == team_reps


def test_grain_filter_switches_the_table_rows(warehouse):
    app = run_page("pages/tier1_outcomes.py", period_choice="complete", grain="company")
    rows = frame(app, "bookings_amount")
    assert list(rows["name"]) == ["Company"]
    app.selectbox(key="grain").set_value("team").run()
    teams = {r[0] for r in sql(warehouse, "select distinct team_name from marts.dim_reps")}
    assert set(frame(app, "bookings_amount")["name"]) == teams


def test_period_filters_change_the_numbers(warehouse, quarter):
    app = run_page("pages/tier1_outcomes.py", period_grain="month", period_choice="other")
    month = app.selectbox(key="period_month").value
    # the as-of month is in progress: the month before it
    assert month == months_before(as_of_local_date(warehouse).replace(day=1), 1)
    month_end = months_before(month, -1)
    assert metrics(app)["Bookings"][0] == money(won_lost(warehouse, month, month_end)[2])
    # the running month by default: its bookings so far
    app.radio(key="period_choice").set_value("running").run()
    assert metrics(app)["Bookings"][0] == money(won_lost(warehouse, month_end, months_before(month_end, -1))[2])
    earlier = months_before(quarter[0], 3)
    app.selectbox(key="period_grain").set_value("quarter").run()
    app.radio(key="period_choice").set_value("other").run()
    app.selectbox(key="period_quarter").set_value(earlier).run()
    assert metrics(app)["Bookings"][0] == money(won_lost(warehouse, earlier, quarter[0])[2])
    assert metrics(app)["Bookings"][0] != money(won_lost(warehouse, *quarter)[2])


def test_week_grain_from_sunday_on_every_page(warehouse):
    # the BI build starts weeks on Sunday: the default week is the last complete one, the week
    # before the one holding the as-of day (worked out from the as-of day alone)
    today = as_of_local_date(warehouse)
    current = today - dt.timedelta(days=(today.weekday() + 1) % 7)
    week = current - dt.timedelta(days=7)
    assert BI_BUILD_VARS["week_start_day"] == "sunday" and week.weekday() == 6
    app = run_page("pages/tier1_outcomes.py", period_grain="week", period_choice="other")
    assert app.selectbox(key="period_week").value == week
    assert metrics(app)["Bookings"][0] == money(won_lost(warehouse, week, current)[2])
    # every page opens at week grain; data quality says it is published by month, quarter, year
    for page in sorted((PROJECT_ROOT / "dashboard" / "pages").glob("*.py")):
        app.switch_page(f"pages/{page.name}").run()
        assert not app.exception, (page.name, [element.value for element in app.exception])
    assert "published by month, quarter and year" in app.switch_page("pages/data_quality.py").run().info[0].value


# ---------------------------------------------------------------- the exposure


def test_the_exposure_names_exactly_the_tables_the_dashboard_reads():
    exposures = yaml.safe_load((PROJECT_ROOT / "models" / "marts" / "_exposures.yml").read_text())["exposures"]
    dashboard = next(exposure for exposure in exposures if exposure["name"] == "revops_kpi_dashboard")
    declared = {re.fullmatch(r"ref\('(\w+)'\)", item).group(1) for item in dashboard["depends_on"]}
    code = {path.stem: path.read_text() for path in (PROJECT_ROOT / "dashboard").rglob("*.py")}
    read_in_sql = set(re.findall(r"\b(?:marts|staging)\.(\w+)", code["queries"] + code["common"]))
    named = {name for text in code.values() for name in re.findall(r'"((?:rpt|dq|dim|fct)_\w+)"', text)}
    assert read_in_sql | named == declared
    pages = dashboard["config"]["meta"]["pages"]
    assert set(pages) == {path.stem for path in (PROJECT_ROOT / "dashboard" / "pages").glob("*.py")} | {"sidebar"}
    for page, tables in pages.items():
        assert set(tables) <= declared, page
        if page != "sidebar":
            assert set(re.findall(r'"((?:rpt|dq|dim|fct)_\w+)"', code[page])) <= set(tables), page


def test_the_dashboard_command_refuses_a_missing_warehouse(tmp_path, capsys):
    from revops_kpis.cli import main

    missing = tmp_path / "none.duckdb"
    assert main(["dashboard", "--duckdb", str(missing)]) == 2
    error = capsys.readouterr().err
    assert f"no build at {missing}" in error and "scripts/dashboard.sh" in error
