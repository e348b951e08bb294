"""The five-metric rep scorecard with percentiles among peers and coaching flags (rpt_rep_scorecard)."""

import streamlit as st

import common
import queries

alt = common.alt
chosen = common.page_header("Rep scorecard", "How does each rep do on the five metrics, among peers?")

COLUMNS = [
    "quota_attainment_rate", "quota_attainment_rate_percentile", "commit_close_rate",
    "commit_close_rate_percentile", "sales_velocity_per_day_amount", "sales_velocity_per_day_amount_percentile",
    "won_count", "won_count_percentile", "lost_count", "win_rate", "win_rate_percentile", "median_days_in_stage",
    "median_days_in_stage_percentile", "stage_conversion_rate", "team_median_stage_conversion_rate",
    "median_sales_cycle_days", "team_median_sales_cycle_days", "is_conversion_below_team_median",
    "is_cycle_longer_than_team_median", "is_commit_close_rate_below_floor",
]
FLAGS = ["is_conversion_below_team_median", "is_cycle_longer_than_team_median", "is_commit_close_rate_below_floor"]

with common.connection() as con:
    rows = queries.kpi_rows(con, "rpt_rep_scorecard", COLUMNS, chosen.period_grain, chosen.period_start, "rep",
                            chosen.team_id)
    rows_before = queries.kpi_rows(con, "rpt_rep_scorecard", COLUMNS, chosen.period_grain, chosen.previous_start,
                                   "rep", chosen.team_id)


def flagged(frame):
    """How many reps carry each coaching flag."""
    return frame[FLAGS].fillna(False).astype(bool).sum()


now, then = flagged(rows), flagged(rows_before) if not rows_before.empty else None
cols = st.columns(4)
cols[0].metric("Reps", common.count(len(rows)))
for column, flag, label in zip(cols[1:], FLAGS, ("Conversion below team median",
                                                  "Cycle 30%+ longer than team median",
                                                  "Commit close rate below floor")):
    common.metric(column, label, now[flag], None if then is None else then[flag], "count", lower_is_better=True,
                  help="reps with this coaching flag")

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
    "median_days_in_stage_percentile": "time in stage (shorter is better)",
})
st.markdown("**Percentile among peers in the period**: darker is better (100%: the best of the peers; for time in "
            "stage the shortest, since shorter is better); blank: no value")
common.chart(alt.Chart(percentiles).mark_rect().encode(
    x=alt.X("metric:N", title=None, sort=None, axis=alt.Axis(labelAngle=0, orient="top")),
    y=alt.Y("name:N", title=None, axis=alt.Axis(labelOverlap=False, labelLimit=180)),
    color=alt.Color("percentile:Q", title="percentile", scale=alt.Scale(scheme="blues", domain=[0, 1]),
                    legend=alt.Legend(format=".0%")),
    tooltip=["name:N", "metric:N", alt.Tooltip("percentile:Q", format=".0%")],
), height=max(200, 20 * len(rows)))

NAME = {"name": "Rep"}
st.subheader("Coaching flags and the five metrics")
st.caption("A flag says yes when the rep is below the team's median conversion, 30%+ slower than the team's median "
           "sales cycle, or below the commit close rate floor.")
common.table(rows, {**NAME, "is_conversion_below_team_median": "Conversion below team",
                    "is_cycle_longer_than_team_median": "Cycle 30%+ longer",
                    "is_commit_close_rate_below_floor": "Commit close below floor",
                    "quota_attainment_rate": "Quota attainment", "commit_close_rate": "Commit close rate",
                    "win_rate": "Win rate", "won_count": "Won", "lost_count": "Lost"})
st.subheader("Speed and conversion against the team")
st.caption("Days: shorter is better.")
common.table(rows, {**NAME, "sales_velocity_per_day_amount": "Velocity per day",
                    "median_days_in_stage": "Time in stage (median)", "stage_conversion_rate": "Stage conversion",
                    "team_median_stage_conversion_rate": "Team median conversion",
                    "median_sales_cycle_days": "Sales cycle (median)",
                    "team_median_sales_cycle_days": "Team median cycle"})

st.subheader("Ramp time")
RAMP = ["started_rep_count", "ramped_rep_count", "not_yet_ramped_rep_count", "median_months_to_ramp"]
with common.connection() as con:
    ramp = queries.focus_row(con, "rpt_ramp_time", RAMP, chosen.period_grain, chosen.period_start, chosen.team_id)
    ramp_before = queries.focus_row(con, "rpt_ramp_time", RAMP, chosen.period_grain, chosen.previous_start,
                                    chosen.team_id)
    ramps = queries.rep_ramps(con, chosen.team_id)
st.caption("Months from a rep's start (first quota, else first deal owned) to the first month at or above that "
           "month's quota. The median is over the reps who started in the 12 months before the period end and "
           "ramped by then; those not ramped yet are counted apart.")
cols = st.columns(3)
common.metric(cols[0], "Median months to ramp", ramp["median_months_to_ramp"], ramp_before["median_months_to_ramp"],
              "months", lower_is_better=True,
              help=f"over the {common.count(ramp['ramped_rep_count'])} reps ramped by the period end")
common.metric(cols[1], "Started in the last 12 months", ramp["started_rep_count"], ramp_before["started_rep_count"],
              "count")
common.metric(cols[2], "Not ramped yet", ramp["not_yet_ramped_rep_count"], ramp_before["not_yet_ramped_rep_count"],
              "count", lower_is_better=True)
ramps["start"] = [f"{value:%Y-%m}" for value in ramps["start_month"]]
ramps["ramped"] = ["" if common.formatting.is_unknown(value) else f"{value:%Y-%m}" for value in ramps["ramped_month"]]
common.table(ramps, {"rep_name": "Rep", "team_name": "Team", "start": "Start month", "start_source": "Start from",
                     "ramped": "First month at quota", "months_to_ramp": "Months to ramp", "is_ramped": "Ramped"})
