"""The five-metric rep scorecard with percentiles among peers and coaching flags (rpt_rep_scorecard)."""

import streamlit as st

import common
import queries

alt = common.alt
chosen = common.page_header("Rep scorecard", "How does each rep do on the five metrics, among peers?")

with common.connection() as con:
    rows = queries.kpi_rows(con, "rpt_rep_scorecard", [
        "quota_attainment_rate", "quota_attainment_rate_percentile", "commit_close_rate",
        "commit_close_rate_percentile", "sales_velocity_per_day_amount", "sales_velocity_per_day_amount_percentile",
        "won_count", "won_count_percentile", "lost_count", "win_rate", "win_rate_percentile", "median_days_in_stage",
        "median_days_in_stage_percentile", "stage_conversion_rate", "team_median_stage_conversion_rate",
        "median_sales_cycle_days", "team_median_sales_cycle_days", "is_conversion_below_team_median",
        "is_cycle_longer_than_team_median", "is_commit_close_rate_below_floor",
    ], chosen.period_grain, chosen.period_start, "rep", chosen.team_id)

flags = rows[["is_conversion_below_team_median", "is_cycle_longer_than_team_median",
              "is_commit_close_rate_below_floor"]].fillna(False).astype(bool)
cols = st.columns(4)
cols[0].metric("Reps", common.count(len(rows)))
cols[1].metric("Conversion below team median", common.count(flags["is_conversion_below_team_median"].sum()))
cols[2].metric("Cycle 30%+ longer than team median", common.count(flags["is_cycle_longer_than_team_median"].sum()))
cols[3].metric("Commit close rate below floor", common.count(flags["is_commit_close_rate_below_floor"].sum()))

percentiles = rows.melt(
    ["name"],
    ["quota_attainment_rate_percentile", "commit_close_rate_percentile", "sales_velocity_per_day_amount_percentile",
     "won_count_percentile", "win_rate_percentile", "median_days_in_stage_percentile"],
    "metric", "percentile",
)
percentiles["metric"] = percentiles["metric"].map({
    "quota_attainment_rate_percentile": "quota attainment",
    "commit_close_rate_percentile": "commit close rate",
    "sales_velocity_per_day_amount_percentile": "sales velocity",
    "won_count_percentile": "deals won",
    "win_rate_percentile": "win rate",
    "median_days_in_stage_percentile": "time in stage",
})
st.markdown("**Percentile among peers in the period** (darker is higher; blank: no value)")
common.chart(alt.Chart(percentiles).mark_rect().encode(
    x=alt.X("metric:N", title=None, sort=None, axis=alt.Axis(labelAngle=0, orient="top")),
    y=alt.Y("name:N", title=None, axis=alt.Axis(labelOverlap=False, labelLimit=180)),
    color=alt.Color("percentile:Q", title="percentile", scale=alt.Scale(scheme="blues", domain=[0, 1]),
                    legend=alt.Legend(format=".0%")),
    tooltip=["name:N", "metric:N", alt.Tooltip("percentile:Q", format=".0%")],
), height=max(200, 20 * len(rows)))

st.subheader("Scorecard")
st.caption("The values behind the heat map (its percentiles are in its tooltips) and the coaching flags.")
common.table(rows.drop(columns=[column for column in rows.columns if column.endswith("_percentile")]), {
    "quota_attainment_rate": common.PERCENT, "commit_close_rate": common.PERCENT,
    "sales_velocity_per_day_amount": common.MONEY, "win_rate": common.PERCENT, "median_days_in_stage": common.DAYS,
    "stage_conversion_rate": common.PERCENT, "team_median_stage_conversion_rate": common.PERCENT,
    "median_sales_cycle_days": common.DAYS, "team_median_sales_cycle_days": common.DAYS,
})
