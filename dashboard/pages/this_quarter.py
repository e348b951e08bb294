"""This quarter: where will the quarter land? Won to date against quota, the Commit and Best Case
calls and the forecast band with its week-by-week trend (rpt_forecast), how the quarter's
pipeline moved (rpt_pipeline_flow) and the deals that moved it (fct_pipeline_movements). Always
the quarter in progress at the as-of time, whatever period the sidebar chooses."""

import streamlit as st

import common
import queries

alt = common.alt
chosen = common.filters()

with common.connection() as con:
    quarter = queries.current_quarter(con)
    start, end = quarter
    label = queries.period_label("quarter", start, end)
    head = queries.focus_row(con, "rpt_kpi_tier2_diagnostics", [
        "won_count", "won_amount", "quota_amount", "quota_to_date_amount", "quota_pace_rate",
        "period_elapsed_share",
    ], "quarter", start, chosen.team_id)
    forecasts = queries.forecasts(con, "quarter", start, chosen.team_id)
    flow = queries.pipeline_flow(con, "quarter", start, chosen.team_id)
    lists = {component: queries.moved_deals(con, "quarter", start, component, chosen.team_id)
             for component in ("pushed_out", "pulled_in", "created", "lost")}

st.title("This quarter")
st.caption(f"Where will the quarter land? {label}, in progress, {chosen.focus_name} "
           "(the quarter holding the as-of time, whatever period the sidebar chooses).")

won = float(head["won_amount"] or 0)
quota = head["quota_amount"]
latest = forecasts[forecasts["is_latest"]].iloc[-1].to_dict() if forecasts["is_latest"].any() else None
cols = st.columns(6)
cols[0].metric("Won to date", common.money(won), help=f"{common.count(head['won_count'])} deals won so far")
if quota:
    gap = float(quota) - won
    cols[1].metric("Gap to quota", common.money(max(gap, 0)),
                   help=f"{common.money(quota)} quota - {common.money(won)} won"
                        + ("" if gap > 0 else f": quota beaten by {common.money(-gap)}"))
else:
    cols[1].metric("Gap to quota", common.NOT_KNOWN, help="no quota this quarter")
cols[2].metric("Pace", common.pct(head["quota_pace_rate"]),
               help=f"{common.money(won)} won / {common.money(head['quota_to_date_amount'])} quota to date "
                    f"({common.pct(head['period_elapsed_share'])} of the quarter elapsed); 100% is on pace")
if latest:
    cols[3].metric("Commit", common.money(latest["commit_amount"]),
                   help=f"{common.money(latest['won_to_date_amount'])} won + the open Commit deals expected "
                        "this quarter")
    cols[4].metric("Best Case", common.money(latest["best_case_amount"]),
                   help="Commit + the open Best Case deals expected this quarter")
    cols[5].metric("Forecast (P50)", common.money(latest["p50_amount"]),
                   help=f"8 in 10 between P10 {common.money(latest['p10_amount'])} and P90 "
                        f"{common.money(latest['p90_amount'])}; expected {common.money(latest['expected_amount'])} "
                        f"over {common.count(latest['open_deal_count'])} open deals ({latest['forecast_method']})")
else:
    for column, name in zip(cols[3:], ("Commit", "Best Case", "Forecast (P50)")):
        column.metric(name, common.NOT_KNOWN, help="no forecast of this quarter")

st.subheader("Forecast, week by week")
st.caption("Made at the quarter start, each week start and now: the band holds 8 in 10 outcomes (P10 to P90), "
           "P50 in the middle; the Commit call and the won to date beside it.")
if forecasts.empty:
    st.info("No forecast of this quarter.")
else:
    trend = forecasts.assign(made=[f"{day:%b %d}" + (" (now)" if is_latest else "")
                                   for day, is_latest in zip(forecasts["forecast_date"], forecasts["is_latest"])])
    axis = alt.X("made:O", title=None, sort=list(trend["made"]), axis=alt.Axis(labelAngle=0, labelOverlap=True))
    band = alt.Chart(trend).mark_area(opacity=0.25, color="#4c78a8").encode(
        x=axis, y=alt.Y("p10_amount:Q", title=None, axis=alt.Axis(format=",.0f")), y2="p90_amount:Q",
        tooltip=["made:O", alt.Tooltip("p10_amount:Q", format=",.0f"), alt.Tooltip("p50_amount:Q", format=",.0f"),
                 alt.Tooltip("p90_amount:Q", format=",.0f")],
    )
    lines = alt.Chart(trend).transform_fold(
        ["p50_amount", "commit_amount", "won_to_date_amount"], as_=["line", "amount"]
    ).mark_line(point=True).encode(
        x=axis, y="amount:Q",
        color=alt.Color("line:N", title=None, legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(domain=["p50_amount", "commit_amount", "won_to_date_amount"],
                                        range=["#4c78a8", "#f58518", "#54a24b"])),
        tooltip=["made:O", "line:N", alt.Tooltip("amount:Q", format=",.0f")],
    )
    layers = band + lines
    if quota:
        layers += alt.Chart(trend.head(1).assign(quota=float(quota))).mark_rule(
            strokeDash=[4, 3], color="#e45756").encode(y="quota:Q")
    common.chart(layers, height=280)

st.subheader("Pipeline flow")
st.caption("The open deals expected to close this quarter: at its start, what came in and went out, and now. "
           "Amounts at the quarter-start rate; fx revaluation brings the closing to today's rate.")
shown = flow[(flow["direction"] == "level") | (flow["amount"] != 0)]
colors = alt.Scale(domain=["level", "inflow", "outflow", "revaluation"],
                   range=["#4c78a8", "#54a24b", "#e45756", "#bab0ac"])
waterfall = alt.Chart(shown, title="Pipeline expected this quarter, start to now").mark_bar(size=28).encode(
    x=alt.X("step:N", title=None, sort=list(shown["step"]), axis=alt.Axis(labelAngle=0, labelOverlap=False)),
    y=alt.Y("bar_start:Q", title=None, axis=alt.Axis(format=",.0f")),
    y2="bar_end:Q",
    color=alt.Color("direction:N", title=None, scale=colors, legend=alt.Legend(orient="bottom")),
    tooltip=["step:N", "deal_count:Q", alt.Tooltip("amount:Q", format=",.0f")],
)
common.chart(waterfall, height=300)
common.table(flow[["step", "direction", "deal_count", "amount"]], {"amount": common.MONEY})

st.subheader("The deals that moved the number")
titles = {"pushed_out": "Biggest pushes (out of the quarter)", "pulled_in": "Pulled in",
          "created": "New", "lost": "Lost"}
for pair in (("pushed_out", "pulled_in"), ("created", "lost")):
    for column, component in zip(st.columns(2), pair):
        with column:
            st.markdown(f"**{titles[component]}**")
            if lists[component].empty:
                st.info("None this quarter.")
            else:
                common.table(lists[component].drop(columns="opportunity_id"), {"amount": common.MONEY}, max_rows=10)
