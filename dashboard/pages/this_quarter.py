"""Where the period lands (the running quarter by default): won to date against quota, the gap
and the pace, the Commit and Best Case calls and the forecast band with its week-by-week trend
(rpt_forecast), how the period's pipeline moved (rpt_pipeline_flow) and the deals that moved
it (fct_pipeline_movements). Each headline number with its change against the period before."""

import streamlit as st

import common
import queries

alt = common.alt
chosen = common.filters()
start, end, label = chosen.period_start, chosen.period_end, chosen.period_label
HEAD = ["won_count", "won_amount", "quota_amount", "quota_to_date_amount", "quota_pace_rate", "period_elapsed_share"]

grain = chosen.period_grain
st.title({"running": f"This {grain}", "complete": f"Last complete {grain}"}.get(chosen.choice,
                                                                               f"{grain.capitalize()} {label}"))
caption = st.empty()  # the question, once whose it is is known

with common.connection() as con:
    # whose quarter: the chosen team (else the company) first, then every row at the chosen grain
    names = {queries.focus(chosen.team_id): f"team {chosen.team_name}" if chosen.team_id else "the company"}
    if chosen.grain != "company":
        entities = queries.kpi_rows(con, "rpt_kpi_tier2_diagnostics", ["won_count"], chosen.period_grain, start,
                                    chosen.grain, chosen.team_id)
        for grain_id, name in zip(entities["grain_id"], entities["name"]):
            names.setdefault((chosen.grain, grain_id), name if chosen.grain != "team" else f"team {name}")
    whose = st.selectbox(f"Whose {grain}", list(names), key=f"quarter_{chosen.grain}_{chosen.team_id}",
                         format_func=names.get)
    head = queries.focus_row(con, "rpt_kpi_tier2_diagnostics", HEAD, chosen.period_grain, start, entity=whose)
    before = queries.focus_row(con, "rpt_kpi_tier2_diagnostics", HEAD, chosen.period_grain, chosen.previous_start,
                               entity=whose)
    forecasts = queries.forecasts(con, chosen.period_grain, start, entity=whose)
    forecasts_before = queries.forecasts(con, chosen.period_grain, chosen.previous_start, entity=whose)
    flow = queries.pipeline_flow(con, chosen.period_grain, start, entity=whose)
    lists = {component: queries.moved_deals(con, chosen.period_grain, start, component, whose)
             for component in ("pushed_out", "pulled_in", "created", "lost")}

caption.caption(f"Where will the {grain} land? {label}, {names[whose]}. Switch to the last complete {grain} "
                "or another one in the sidebar; each number's change is against the period before.")


def gap(row):
    """What is left to win of the quota (0 once it is beaten); unknown without a quota."""
    if not row["quota_amount"]:
        return None
    return max(float(row["quota_amount"]) - float(row["won_amount"] or 0), 0.0)


def final(frame):
    """The period's latest forecast (at the as-of time for a running period), else None."""
    return frame.iloc[-1].to_dict() if not frame.empty else None


won = float(head["won_amount"] or 0)
quota = head["quota_amount"]
latest, latest_before = final(forecasts), final(forecasts_before)
cols = st.columns(6)
common.metric(cols[0], "Won to date" if chosen.is_running else "Won", won, before["won_amount"], "money",
              help=f"{common.count(head['won_count'])} deals won so far")
if quota:
    rest = float(quota) - won
    common.metric(cols[1], "Gap to quota", gap(head), gap(before), "money", lower_is_better=True,
                  help=f"{common.money(quota)} quota - {common.money(won)} won"
                       + ("" if rest > 0 else f": quota beaten by {common.money(-rest)}"))
else:
    common.metric(cols[1], "Gap to quota", None, gap(before), "money", help="no quota this period")
common.metric(cols[2], "Pace", head["quota_pace_rate"], before["quota_pace_rate"], "rate",
              help=f"{common.money(won)} won / {common.money(head['quota_to_date_amount'])} quota to date "
                   f"({common.pct(head['period_elapsed_share'])} of the period elapsed); 100% is on pace")
for column, name, key in zip(cols[3:], ("Commit", "Best Case", "Forecast (P50)"),
                             ("commit_amount", "best_case_amount", "p50_amount")):
    if latest is None:
        common.metric(column, name, None, None, "money", help="no forecast of this period")
        continue
    explain = {
        "commit_amount": f"{common.money(latest['won_to_date_amount'])} won + the open Commit deals expected "
                         "this period",
        "best_case_amount": "Commit + the open Best Case deals expected this period",
        "p50_amount": f"8 in 10 between P10 {common.money(latest['p10_amount'])} and P90 "
                      f"{common.money(latest['p90_amount'])}; expected {common.money(latest['expected_amount'])} "
                      f"over {common.count(latest['open_deal_count'])} open deals ({latest['forecast_method']})",
    }[key]
    common.metric(column, name, latest[key], latest_before[key] if latest_before else None, "money",
                  help=f"{explain}; made {latest['forecast_date']:%Y-%m-%d}")

st.subheader("Forecast, week by week")
st.caption("Made at the period start, each week start and (while it runs) now: the band holds 8 in 10 outcomes (P10 to P90), "
           "P50 in the middle and the expected value beside it; the Commit and Best Case calls and the won to date "
           "as lines; the dashed line is the quota.")
if forecasts.empty:
    st.info("No forecast of this period.")
else:
    trend = forecasts.assign(made=[f"{day:%b %d}" + (" (now)" if is_latest else "")
                                   for day, is_latest in zip(forecasts["forecast_date"], forecasts["is_latest"])])
    axis = alt.X("made:O", title=None, sort=list(trend["made"]), axis=alt.Axis(labelAngle=0, labelOverlap=True))
    band = alt.Chart(trend).mark_area(opacity=0.25, color="#4c78a8").encode(
        x=axis, y=alt.Y("p10_amount:Q", title=chosen.currency, axis=alt.Axis(format=",.0f")), y2="p90_amount:Q",
        tooltip=["made:O", alt.Tooltip("p10_amount:Q", format=",.0f"), alt.Tooltip("p50_amount:Q", format=",.0f"),
                 alt.Tooltip("p90_amount:Q", format=",.0f")],
    )
    LINES = {"p50_amount": "forecast (P50)", "expected_amount": "expected", "commit_amount": "Commit call",
             "best_case_amount": "Best Case call", "won_to_date_amount": "won to date"}
    long = trend.melt("made", list(LINES), "line", "amount").assign(line=lambda frame: frame["line"].map(LINES))
    lines = alt.Chart(long).mark_line(point=True).encode(
        x=axis, y="amount:Q",
        color=alt.Color("line:N", title=None, legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(domain=list(LINES.values()),
                                        range=["#4c78a8", "#72b7b2", "#f58518", "#b279a2", "#54a24b"])),
        strokeDash=alt.condition("datum.line == 'expected'", alt.value([5, 3]), alt.value([1, 0])),
        tooltip=["made:O", "line:N", alt.Tooltip("amount:Q", format=",.0f")],
    )
    layers = band + lines
    if quota:
        layers += alt.Chart(trend.head(1).assign(quota=float(quota))).mark_rule(
            strokeDash=[4, 3], color="#e45756").encode(y="quota:Q")
    common.chart(layers, height=280)
    common.table(trend, {"made": "Made", "won_to_date_amount": "Won to date", "commit_amount": "Commit",
                         "best_case_amount": "Best Case", "p10_amount": "P10", "p50_amount": "P50",
                         "expected_amount": "Expected", "p90_amount": "P90", "open_deal_count": "Open deals"},
                 max_rows=16)

st.subheader("Pipeline flow")
st.caption("The open deals expected to close in the period: at its start, what came in and went out, and at "
           "its end (now, while it runs). Amounts at the period-start rate; fx revaluation brings the closing to "
           "the closing day's rate.")
shown = flow[(flow["direction"] == "level") | (flow["amount"] != 0)]
colors = alt.Scale(domain=["level", "inflow", "outflow", "revaluation"],
                   range=["#4c78a8", "#54a24b", "#e45756", "#bab0ac"])
waterfall = alt.Chart(shown, title="Pipeline expected in the period, start to end").mark_bar(size=28).encode(
    x=alt.X("step:N", title=None, sort=list(shown["step"]), axis=alt.Axis(labelAngle=0, labelOverlap=False)),
    y=alt.Y("bar_start:Q", title=chosen.currency, axis=alt.Axis(format=",.0f")),
    y2="bar_end:Q",
    color=alt.Color("direction:N", title=None, scale=colors, legend=alt.Legend(orient="bottom")),
    tooltip=["step:N", "deal_count:Q", alt.Tooltip("amount:Q", format=",.0f")],
)
common.chart(waterfall, height=300)
common.table(flow, {"step": "Step", "direction": "In or out", "deal_count": "Deals", "amount": "Amount"})

st.subheader("The deals that moved the number")
st.caption(f"The biggest movements of this {grain}'s pipeline (deals expected to close in it), up to 10 each: "
           "the stage is the deal's while it counted (the one it left for a push or a loss, the one it came in "
           "at for a pull-in or a new deal); amounts at the period-start rate.")
MOVED = {"opportunity_name": "Deal", "owner_name": "Owner", "moved_date": "Date", "stage_name": "Stage",
         "amount": "Amount"}
titles = {"pushed_out": f"Biggest pushes: close date moved past the {grain}",
          "pulled_in": f"Pull-ins: close date moved into the {grain}",
          "created": f"New deals expected this {grain}", "lost": "Lost"}
for component, title in titles.items():  # one list a row: five columns fit without scrolling sideways
    st.markdown(f"**{title}**")
    if lists[component].empty:
        st.info(f"None this {grain}.")
    else:
        common.table(lists[component], MOVED, max_rows=10)
