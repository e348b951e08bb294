"""Tier 3, levers: where in the process did it start? (rpt_kpi_tier3_levers)"""

import streamlit as st

import common
import queries

TABLE = "rpt_kpi_tier3_levers"
chosen = common.page_header("Tier 3: levers", "Where in the process did it start?")

HEAD = [
    "median_lead_response_minutes", "touched_lead_count", "untouched_lead_count",
    "median_sales_cycle_days", "avg_sales_cycle_days", "won_count", "median_days_in_stage",
    "exited_visit_count", "stage_conversion_rate", "stage_advance_count", "stage_entry_count",
    "sales_velocity_per_day_amount", "created_count", "pipeline_coverage_ratio",
    "pipeline_at_start_amount", "quota_amount", "slipped_rate", "slipped_count", "expected_to_close_count",
    "activity_to_opportunity_ratio", "activity_count", "account_reach_rate", "reached_account_count",
    "owned_account_count", "account_engagement_rate", "engaged_account_count", "open_deal_account_count",
    "meeting_booked_count", "initial_meeting_booked_count", "meeting_scheduled_count", "meeting_held_count",
    "initial_meeting_held_count", "meeting_held_rate", "lead_count", "converted_lead_count",
    "untouched_converted_lead_count", "median_days_to_convert", "lead_to_opportunity_rate", "is_lead_cohort_mature",
]

with common.connection() as con:
    head = queries.focus_row(con, TABLE, HEAD, chosen.period_grain, chosen.period_start, chosen.team_id)
    before = queries.focus_row(con, TABLE, HEAD, chosen.period_grain, chosen.previous_start, chosen.team_id)
    history = queries.trend(con, TABLE, ["sales_velocity_per_day_amount", "median_sales_cycle_days"],
                            chosen.period_grain, chosen.period_start, chosen.team_id)
    rows = queries.kpi_rows(con, TABLE, [
        "median_lead_response_minutes", "median_sales_cycle_days", "median_days_in_stage",
        "stage_advance_count", "stage_entry_count", "stage_conversion_rate", "created_count",
        "sales_velocity_per_day_amount", "pipeline_coverage_ratio", "slipped_count", "expected_to_close_count",
        "slipped_rate", "activity_to_opportunity_ratio", "account_reach_rate", "account_engagement_rate",
    ], chosen.period_grain, chosen.period_start, chosen.grain, chosen.team_id)

first = st.columns(5)
common.metric(first[0], "Lead response (median)", head["median_lead_response_minutes"],
              before["median_lead_response_minutes"], "minutes", lower_is_better=True,
              help=f"{common.count(head['touched_lead_count'])} leads touched, "
                   f"{common.count(head['untouched_lead_count'])} never touched")
common.metric(first[1], "Sales cycle (median)", head["median_sales_cycle_days"], before["median_sales_cycle_days"],
              "days", lower_is_better=True,
              help=f"mean {common.days(head['avg_sales_cycle_days'])} over {common.count(head['won_count'])} deals won")
common.metric(first[2], "Time in stage (median)", head["median_days_in_stage"], before["median_days_in_stage"],
              "days", lower_is_better=True, help=f"{common.count(head['exited_visit_count'])} stage visits ended")
common.metric(first[3], "Stage conversion", head["stage_conversion_rate"], before["stage_conversion_rate"], "rate",
              help=f"{common.count(head['stage_advance_count'])} of {common.count(head['stage_entry_count'])} "
                   "stage entries advanced")
common.metric(first[4], "Sales velocity per day", head["sales_velocity_per_day_amount"],
              before["sales_velocity_per_day_amount"], "money",
              help=f"{common.count(head['created_count'])} created x deal size x win rate / cycle days")
second = st.columns(5)
common.metric(second[0], "Pipeline coverage", head["pipeline_coverage_ratio"], before["pipeline_coverage_ratio"],
              "ratio", help=f"{common.money(head['pipeline_at_start_amount'])} pipeline at start / "
                            f"{common.money(head['quota_amount'])} quota")
common.metric(second[1], "Slipped", head["slipped_rate"], before["slipped_rate"], "rate", lower_is_better=True,
              help=f"{common.count(head['slipped_count'])} of {common.count(head['expected_to_close_count'])} "
                   "deals expected to close did not")
common.metric(second[2], "Activities per new deal", head["activity_to_opportunity_ratio"],
              before["activity_to_opportunity_ratio"], "ratio",
              help=f"{common.count(head['activity_count'])} activities / {common.count(head['created_count'])} "
                   "deals created")
common.metric(second[3], "Account reach", head["account_reach_rate"], before["account_reach_rate"], "rate",
              help=f"{common.count(head['reached_account_count'])} of {common.count(head['owned_account_count'])} "
                   "accounts touched")
common.metric(second[4], "Account engagement", head["account_engagement_rate"], before["account_engagement_rate"],
              "rate", help=f"{common.count(head['engaged_account_count'])} of "
                           f"{common.count(head['open_deal_account_count'])} accounts with an open deal on cadence")
third = st.columns(5)
common.metric(third[0], "Meetings booked", head["meeting_booked_count"], before["meeting_booked_count"], "count",
              help=f"{common.count(head['initial_meeting_booked_count'])} of them initial (first with the account "
                   "or lead in the lookback)")
common.metric(third[1], "Meetings held", head["meeting_held_rate"], before["meeting_held_rate"], "rate",
              help=f"{common.count(head['meeting_held_count'])} held of "
                   f"{common.count(head['meeting_scheduled_count'])} scheduled in the period; "
                   f"{common.count(head['initial_meeting_held_count'])} initial")
lead_cohort_immature = str(head["is_lead_cohort_mature"]) == "False"  # False, not unknown
common.metric(third[2], "Lead-to-opportunity", head["lead_to_opportunity_rate"], before["lead_to_opportunity_rate"],
              "rate", help=f"{common.count(head['converted_lead_count'])} of "
                           f"{common.count(head['touched_lead_count'])} touched leads converted within the window; "
                           f"{common.count(head['untouched_converted_lead_count'])} untouched leads converted apart"
                           + ("; not mature: the window has not passed for every lead" if lead_cohort_immature else ""))
common.metric(third[3], "Days to convert (median)", head["median_days_to_convert"], before["median_days_to_convert"],
              "days", lower_is_better=True, help=f"over {common.count(head['converted_lead_count'])} converted leads")
if lead_cohort_immature:
    third[4].caption("Lead-to-opportunity: the period's leads are still within the window; the rate will rise.")

left, right = st.columns(2)
with left:
    common.chart(common.trend_chart(history, "sales_velocity_per_day_amount", "Sales velocity per day"))
with right:
    common.chart(common.trend_chart(history, "median_sales_cycle_days",
                                    "Median sales cycle (days; shorter is better)", ",.0f", kind="line"))

NAME = {"name": chosen.grain.capitalize()}
left, right = st.columns(2)
with left:
    st.subheader(f"Speed by {chosen.grain}")
    st.caption("Minutes and days: shorter is better.")
    common.table(rows, {**NAME, "median_lead_response_minutes": "Lead response (median)",
                        "median_sales_cycle_days": "Sales cycle (median)", "median_days_in_stage": "Time in stage (median)",
                        "sales_velocity_per_day_amount": "Velocity per day", "created_count": "Deals created"})
with right:
    st.subheader(f"Conversion and coverage by {chosen.grain}")
    st.caption("Slipped: lower is better; the others: higher is better.")
    common.table(rows, {**NAME, "stage_conversion_rate": "Stage conversion",
                        "pipeline_coverage_ratio": "Pipeline coverage", "slipped_rate": "Slipped",
                        "activity_to_opportunity_ratio": "Activities per new deal",
                        "account_reach_rate": "Account reach", "account_engagement_rate": "Account engagement"})
