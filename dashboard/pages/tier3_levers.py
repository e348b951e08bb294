"""Tier 3, levers: where in the process did it start? (rpt_kpi_tier3_levers)"""

import streamlit as st

import common
import queries

TABLE = "rpt_kpi_tier3_levers"
chosen = common.page_header("Tier 3: levers", "Where in the process did it start?")

with common.connection() as con:
    head = queries.focus_row(con, TABLE, [
        "median_lead_response_minutes", "touched_lead_count", "untouched_lead_count",
        "median_sales_cycle_days", "avg_sales_cycle_days", "won_count", "median_days_in_stage",
        "exited_visit_count", "stage_conversion_rate", "stage_advance_count", "stage_entry_count",
        "sales_velocity_per_day_amount", "created_count", "pipeline_coverage_ratio",
        "pipeline_at_start_amount", "quota_amount", "slipped_rate", "slipped_count", "expected_to_close_count",
        "activity_to_opportunity_ratio", "activity_count", "account_reach_rate", "reached_account_count",
        "owned_account_count", "account_engagement_rate", "engaged_account_count", "open_deal_account_count",
    ], chosen.period_grain, chosen.period_start, chosen.team_id)
    history = queries.trend(con, TABLE, ["sales_velocity_per_day_amount", "median_sales_cycle_days"],
                            chosen.period_grain, chosen.period_start, chosen.team_id)
    rows = queries.kpi_rows(con, TABLE, [
        "median_lead_response_minutes", "median_sales_cycle_days", "median_days_in_stage",
        "stage_advance_count", "stage_entry_count", "stage_conversion_rate", "created_count",
        "sales_velocity_per_day_amount", "pipeline_coverage_ratio", "slipped_count", "expected_to_close_count",
        "slipped_rate", "activity_to_opportunity_ratio", "account_reach_rate", "account_engagement_rate",
    ], chosen.period_grain, chosen.period_start, chosen.grain, chosen.team_id)

first = st.columns(5)
first[0].metric("Lead response (median)", common.number(head["median_lead_response_minutes"], 0, " min"),
                help=f"{common.count(head['touched_lead_count'])} leads touched, "
                     f"{common.count(head['untouched_lead_count'])} never touched")
first[1].metric("Sales cycle (median)", common.number(head["median_sales_cycle_days"], 1, " d"),
                help=f"mean {common.number(head['avg_sales_cycle_days'], 1, ' d')} over "
                     f"{common.count(head['won_count'])} deals won")
first[2].metric("Time in stage (median)", common.number(head["median_days_in_stage"], 1, " d"),
                help=f"{common.count(head['exited_visit_count'])} stage visits ended")
first[3].metric("Stage conversion", common.pct(head["stage_conversion_rate"]),
                help=f"{common.count(head['stage_advance_count'])} of {common.count(head['stage_entry_count'])} "
                     "stage entries advanced")
first[4].metric("Sales velocity per day", common.money(head["sales_velocity_per_day_amount"]),
                help=f"{common.count(head['created_count'])} created x deal size x win rate / cycle days")
second = st.columns(5)
second[0].metric("Pipeline coverage", common.number(head["pipeline_coverage_ratio"], 2, "x"),
                 help=f"{common.money(head['pipeline_at_start_amount'])} pipeline at start / "
                      f"{common.money(head['quota_amount'])} quota")
second[1].metric("Slipped", common.pct(head["slipped_rate"]),
                 help=f"{common.count(head['slipped_count'])} of {common.count(head['expected_to_close_count'])} "
                      "deals expected to close did not")
second[2].metric("Activities per new deal", common.number(head["activity_to_opportunity_ratio"], 1),
                 help=f"{common.count(head['activity_count'])} activities / {common.count(head['created_count'])} "
                      "deals created")
second[3].metric("Account reach", common.pct(head["account_reach_rate"]),
                 help=f"{common.count(head['reached_account_count'])} of {common.count(head['owned_account_count'])} "
                      "accounts touched")
second[4].metric("Account engagement", common.pct(head["account_engagement_rate"]),
                 help=f"{common.count(head['engaged_account_count'])} of "
                      f"{common.count(head['open_deal_account_count'])} accounts with an open deal on cadence")

left, right = st.columns(2)
with left:
    common.chart(common.trend_chart(history, "sales_velocity_per_day_amount", "Sales velocity per day"))
with right:
    common.chart(common.trend_chart(history, "median_sales_cycle_days", "Median sales cycle (days)", ",.0f",
                                    kind="line"))

st.subheader(f"By {chosen.grain}")
common.table(rows, {
    "median_lead_response_minutes": st.column_config.NumberColumn(format="%.0f"),
    "median_sales_cycle_days": common.DAYS, "median_days_in_stage": common.DAYS,
    "stage_conversion_rate": common.PERCENT, "sales_velocity_per_day_amount": common.MONEY,
    "pipeline_coverage_ratio": st.column_config.NumberColumn(format="%.2f"), "slipped_rate": common.PERCENT,
    "activity_to_opportunity_ratio": st.column_config.NumberColumn(format="%.1f"),
    "account_reach_rate": common.PERCENT, "account_engagement_rate": common.PERCENT,
})
