"""Tier 2, diagnostics: did the period deliver? (rpt_kpi_tier2_diagnostics)"""

import streamlit as st

import common
import queries

alt = common.alt
TABLE = "rpt_kpi_tier2_diagnostics"
chosen = common.page_header("Tier 2: diagnostics", "Did the period deliver what we expected?")

HEAD = [
    "won_count", "lost_count", "closed_count", "won_amount", "quota_amount", "win_rate",
    "avg_deal_size_amount", "quota_attainment_rate", "quota_carrying_rep_count",
    "reps_at_or_above_quota_count", "reps_at_or_above_quota_rate", "quota_attainment_p25_rate",
    "quota_attainment_median_rate", "quota_attainment_p75_rate", "commit_deal_count",
    "commit_won_count", "commit_close_rate", "forecast_called_amount", "forecast_accuracy_rate",
    "won_unknown_amount_count", "period_elapsed_share", "quota_to_date_amount", "quota_pace_rate",
    "opportunity_cohort_count", "opportunity_cohort_won_count", "opportunity_cohort_lost_count",
    "opportunity_cohort_open_count", "opportunity_cohort_win_rate", "is_opportunity_cohort_mature",
]

with common.connection() as con:
    head = queries.focus_row(con, TABLE, HEAD, chosen.period_grain, chosen.period_start, chosen.team_id)
    before = queries.focus_row(con, TABLE, HEAD, chosen.period_grain, chosen.previous_start, chosen.team_id)
    attainment = queries.attainment_distribution(con, chosen.period_grain, chosen.period_start, chosen.team_id)
    history = queries.trend(con, TABLE, ["won_count", "lost_count", "win_rate", "quota_attainment_rate"],
                            chosen.period_grain, chosen.period_start, chosen.team_id)
    rows = queries.kpi_rows(con, TABLE, [
        "won_count", "lost_count", "closed_count", "win_rate", "won_amount", "avg_deal_size_amount",
        "quota_amount", "quota_attainment_rate", "quota_pace_rate", "commit_deal_count", "commit_won_count",
        "commit_close_rate", "forecast_called_amount", "forecast_accuracy_rate",
    ], chosen.period_grain, chosen.period_start, chosen.grain, chosen.team_id)

# the average is over the won deals with a known amount (unknown: no rate for the currency)
unknown_amounts = head["won_unknown_amount_count"] or 0
known_amounts = (head["won_count"] or 0) - unknown_amounts
cols = st.columns(7)
common.metric(cols[0], "Won / lost", head["won_count"], before["won_count"], "count",
              text=f"{common.count(head['won_count'])} / {common.count(head['lost_count'])}",
              help=f"{common.money(head['won_amount'])} won; the change is of the deals won")
common.metric(cols[1], "Win rate", head["win_rate"], before["win_rate"], "rate",
              help=f"{common.count(head['won_count'])} won of {common.count(head['closed_count'])} closed")
common.metric(cols[2], "Average deal size", head["avg_deal_size_amount"], before["avg_deal_size_amount"], "money",
              help=f"{common.money(head['won_amount'])} / {common.count(known_amounts)} won deals with a known amount"
                   + (f" ({common.count(unknown_amounts)} of unknown amount left out)" if unknown_amounts else ""))
common.metric(cols[3], "Quota attainment", head["quota_attainment_rate"], before["quota_attainment_rate"], "rate",
              help=f"{common.money(head['won_amount'])} won / {common.money(head['quota_amount'])} quota "
                   "(the full quota of the period, also while it runs)")
common.metric(cols[4], "Commit close rate", head["commit_close_rate"], before["commit_close_rate"], "rate",
              help=f"{common.count(head['commit_won_count'])} of {common.count(head['commit_deal_count'])} "
                   "Commit deals at the period start closed won")
common.metric(cols[5], "Forecast accuracy", head["forecast_accuracy_rate"], before["forecast_accuracy_rate"],
              "rate", help=f"called {common.money(head['forecast_called_amount'])} vs won "
                           f"{common.money(head['won_amount'])}")
common.metric(cols[6], "Quota pace", head["quota_pace_rate"], before["quota_pace_rate"], "rate",
              help=f"{common.money(head['won_amount'])} won / {common.money(head['quota_to_date_amount'])} quota to "
                   f"date ({common.pct(head['period_elapsed_share'])} of the period elapsed); 100% is on pace")

# the cohort of the period's new deals, next to the win rate of the deals it closed
cohort = st.columns(7)
immature = str(head["is_opportunity_cohort_mature"]) == "False"  # False, not unknown
common.metric(cohort[0], "Opportunity-to-close", head["opportunity_cohort_win_rate"],
              before["opportunity_cohort_win_rate"], "rate",
              help=f"{common.count(head['opportunity_cohort_won_count'])} won of "
                   f"{common.count(head['opportunity_cohort_count'])} deals created in the period "
                   f"({common.count(head['opportunity_cohort_lost_count'])} lost, "
                   f"{common.count(head['opportunity_cohort_open_count'])} still open); the win rate counts the "
                   "deals closed in the period instead"
                   + ("; not mature: many of these deals are still open" if immature else ""))
if immature:
    cohort[1].caption("Opportunity-to-close: the cohort is young, its rate will rise as its deals close.")

left, right = st.columns(2)
with left:
    st.markdown(
        f"**Quota attainment across reps**: median {common.pct(head['quota_attainment_median_rate'])} "
        f"(p25 {common.pct(head['quota_attainment_p25_rate'])}, p75 {common.pct(head['quota_attainment_p75_rate'])}); "
        f"{common.count(head['reps_at_or_above_quota_count'])} of {common.count(head['quota_carrying_rep_count'])} "
        f"reps at 100%+ ({common.pct(head['reps_at_or_above_quota_rate'])})"
    )
    if attainment.empty:
        st.info("No rep carries a quota in this period.")
    else:
        bars = alt.Chart(attainment).mark_bar().encode(
            x=alt.X("quota_attainment_rate:Q", title="quota attainment", axis=alt.Axis(format=".0%")),
            y=alt.Y("name:N", title=None, sort="-x", axis=alt.Axis(labelOverlap=False, labelLimit=180)),
            color=alt.condition(alt.datum.quota_attainment_rate >= 1, alt.value("#54a24b"), alt.value("#e45756")),
            tooltip=["name:N", alt.Tooltip("quota_attainment_rate:Q", format=".1%"),
                     alt.Tooltip("won_amount:Q", format=",.0f"), alt.Tooltip("quota_amount:Q", format=",.0f")],
        )
        markers = alt.Chart(attainment.head(1).assign(
            p25=head["quota_attainment_p25_rate"], median=head["quota_attainment_median_rate"],
            p75=head["quota_attainment_p75_rate"], quota=1.0,
        )).transform_fold(["p25", "median", "p75", "quota"], as_=["marker", "value"]).mark_rule(
            strokeDash=[4, 3]).encode(
            x="value:Q", color=alt.Color("marker:N", title=None, legend=alt.Legend(orient="bottom"),
                                         scale=alt.Scale(scheme="dark2")))
        common.chart(bars + markers, height=max(220, 24 * len(attainment)))
with right:
    won_lost = history.melt("period", ["won_count", "lost_count"], "outcome", "deals")
    won_lost["outcome"] = won_lost["outcome"].str.replace("_count", "")
    common.chart(alt.Chart(won_lost, title=f"Deals won and lost by {chosen.period_grain}").mark_bar().encode(
        x=alt.X("period:O", title=None, sort=None, axis=alt.Axis(labelAngle=0, labelOverlap=True)),
        y=alt.Y("deals:Q", title=None),
        color=alt.Color("outcome:N", title=None, legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(domain=["won", "lost"], range=["#54a24b", "#e45756"])),
        xOffset="outcome:N",
        tooltip=["period:O", "outcome:N", "deals:Q"],
    ), height=230)
    common.chart(common.trend_chart(history, "win_rate", "Win rate", ".0%", kind="line"), height=190)

NAME = {"name": chosen.grain.capitalize()}
left, right = st.columns(2)
with left:
    st.subheader(f"Deals won and lost by {chosen.grain}")
    common.table(rows, {**NAME, "won_count": "Won", "lost_count": "Lost", "closed_count": "Closed",
                        "win_rate": "Win rate", "won_amount": "Amount won", "avg_deal_size_amount": "Average deal"})
with right:
    st.subheader(f"Quota and forecast by {chosen.grain}")
    common.table(rows, {**NAME, "quota_attainment_rate": "Quota attainment", "quota_pace_rate": "Pace",
                        "quota_amount": "Quota", "commit_close_rate": "Commit close rate",
                        "forecast_accuracy_rate": "Forecast accuracy", "forecast_called_amount": "Called"})
