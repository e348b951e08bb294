"""Tier 1, outcomes: did we make money and keep customers? (rpt_kpi_tier1_outcomes)"""

import streamlit as st

import common
import queries

TABLE = "rpt_kpi_tier1_outcomes"
chosen = common.page_header("Tier 1: outcomes", "Did we make money and keep customers?")

HEAD = [
    "won_count", "bookings_amount", "quota_carrying_rep_count", "revenue_per_rep_amount",
    "retention_base_account_count", "retained_account_count", "logo_retention_rate",
    "is_retention_window_complete", "nrr_prior_bookings_amount", "nrr_current_bookings_amount",
    "net_revenue_retention_rate", "renewal_won_count", "renewal_closed_count", "renewal_rate",
    "new_customer_count", "gross_margin_rate", "customer_lifetime_value_amount", "retained_bookings_amount",
    "magic_number_ratio", "prior_quarter_bookings_amount", "prior_quarter_spend_amount",
    "is_retention_base_window_complete",
]

with common.connection() as con:
    head = queries.focus_row(con, TABLE, HEAD, chosen.period_grain, chosen.period_start, chosen.team_id)
    before = queries.focus_row(con, TABLE, HEAD, chosen.period_grain, chosen.previous_start, chosen.team_id)
    history = queries.trend(con, TABLE, ["bookings_amount", "logo_retention_rate", "net_revenue_retention_rate"],
                            chosen.period_grain, chosen.period_start, chosen.team_id)
    rows = queries.kpi_rows(con, TABLE, [
        "won_count", "bookings_amount", "revenue_per_rep_amount", "retention_base_account_count",
        "retained_account_count", "logo_retention_rate", "nrr_prior_bookings_amount",
        "nrr_current_bookings_amount", "net_revenue_retention_rate", "renewal_won_count",
        "renewal_closed_count", "renewal_rate", "new_customer_count",
    ], chosen.period_grain, chosen.period_start, chosen.grain, chosen.team_id)

cols = st.columns(6)
common.metric(cols[0], "Bookings", head["bookings_amount"], before["bookings_amount"], "money",
              help=f"{common.count(head['won_count'])} deals won in the period")
common.metric(cols[1], "Revenue per rep", head["revenue_per_rep_amount"], before["revenue_per_rep_amount"], "money",
              help=f"bookings / {common.count(head['quota_carrying_rep_count'])} quota-carrying reps")
common.metric(cols[2], "Logo retention", head["logo_retention_rate"], before["logo_retention_rate"], "rate",
              help=f"{common.count(head['retained_account_count'])} of "
                   f"{common.count(head['retention_base_account_count'])} accounts retained"
                   + ("" if head["is_retention_window_complete"] else " (window not over yet)"))
common.metric(cols[3], "Net revenue retention", head["net_revenue_retention_rate"],
              before["net_revenue_retention_rate"], "rate",
              help=f"{common.money(head['nrr_current_bookings_amount'])} / "
                   f"{common.money(head['nrr_prior_bookings_amount'])} booked by the prior year's accounts")
common.metric(cols[4], "Renewal rate", head["renewal_rate"], before["renewal_rate"], "rate",
              help=f"{common.count(head['renewal_won_count'])} of {common.count(head['renewal_closed_count'])} "
                   "renewals closed were won")
common.metric(cols[5], "New customers", head["new_customer_count"], before["new_customer_count"], "count")

cols = st.columns(2)
common.metric(cols[0], "Customer lifetime value", head["customer_lifetime_value_amount"],
              before["customer_lifetime_value_amount"], "money",
              help=f"{common.money(head['retained_bookings_amount'])} a year from "
                   f"{common.count(head['retained_account_count'])} retained customers x gross margin "
                   f"{common.pct(head['gross_margin_rate'])} / (1 - logo retention); n/a until a cost of sales is set, "
                   "at 100% retention or while a retention window is not complete")
common.metric(cols[1], "Magic number", head["magic_number_ratio"], before["magic_number_ratio"], "ratio",
              help=f"(bookings - {common.money(head['prior_quarter_bookings_amount'])} of the quarter before) x 4 / "
                   f"{common.money(head['prior_quarter_spend_amount'])} of spend the quarter before; quarters and "
                   "the company only, n/a without spend")

left, right = st.columns(2)
with left:
    common.chart(common.trend_chart(history, "bookings_amount", f"Bookings by {chosen.period_grain}"))
with right:
    long = history.melt("period", ["logo_retention_rate", "net_revenue_retention_rate"], "kpi", "rate")
    long["kpi"] = long["kpi"].map({"logo_retention_rate": "logo retention", "net_revenue_retention_rate": "NRR"})
    common.chart(common.alt.Chart(long, title=f"Retention by {chosen.period_grain}").mark_line(point=True).encode(
        x=common.alt.X("period:O", title=None, sort=None, axis=common.alt.Axis(labelAngle=0, labelOverlap=True)),
        y=common.alt.Y("rate:Q", title=None, axis=common.alt.Axis(format=".0%")),
        color=common.alt.Color("kpi:N", title=None, legend=common.alt.Legend(orient="bottom")),
        tooltip=["kpi:N", common.alt.Tooltip("rate:Q", format=".1%"), "period:O"],
    ))

NAME = {"name": chosen.grain.capitalize()}
left, right = st.columns(2)
with left:
    st.subheader(f"Bookings by {chosen.grain}")
    common.table(rows, {**NAME, "bookings_amount": "Bookings", "won_count": "Deals won",
                        "revenue_per_rep_amount": "Revenue per rep", "new_customer_count": "New customers",
                        "renewal_rate": "Renewal rate", "renewal_won_count": "Renewals won",
                        "renewal_closed_count": "Renewals closed"})
with right:
    st.subheader(f"Retention by {chosen.grain}")
    common.table(rows, {**NAME, "logo_retention_rate": "Logo retention",
                        "retained_account_count": "Accounts retained",
                        "retention_base_account_count": "Accounts a year before",
                        "net_revenue_retention_rate": "Net revenue retention",
                        "nrr_current_bookings_amount": "Booked by them now",
                        "nrr_prior_bookings_amount": "Booked by them a year before"})
