"""Tier 2, diagnostics: did the period deliver? (rpt_kpi_tier2_diagnostics)"""

import streamlit as st

import common
import queries

alt = common.alt
TABLE = "rpt_kpi_tier2_diagnostics"
chosen = common.page_header("Tier 2: diagnostics", "Did the period deliver what we expected?")

with common.connection() as con:
    head = queries.focus_row(con, TABLE, [
        "won_count", "lost_count", "closed_count", "won_amount", "quota_amount", "win_rate",
        "avg_deal_size_amount", "quota_attainment_rate", "quota_carrying_rep_count",
        "reps_at_or_above_quota_count", "reps_at_or_above_quota_rate", "quota_attainment_p25_rate",
        "quota_attainment_median_rate", "quota_attainment_p75_rate", "commit_deal_count",
        "commit_won_count", "commit_close_rate", "forecast_called_amount", "forecast_accuracy_rate",
        "won_unknown_amount_count", "period_elapsed_share", "quota_to_date_amount", "quota_pace_rate",
    ], chosen.period_grain, chosen.period_start, chosen.team_id)
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
cols[0].metric("Won / lost", f"{common.count(head['won_count'])} / {common.count(head['lost_count'])}",
               help=f"{common.money(head['won_amount'])} won")
cols[1].metric("Win rate", common.pct(head["win_rate"]),
               help=f"{common.count(head['won_count'])} won of {common.count(head['closed_count'])} closed")
cols[2].metric("Average deal size", common.money(head["avg_deal_size_amount"]),
               help=f"{common.money(head['won_amount'])} / {common.count(known_amounts)} won deals with a known amount"
                    + (f" ({common.count(unknown_amounts)} of unknown amount left out)" if unknown_amounts else ""))
cols[3].metric("Quota attainment", common.pct(head["quota_attainment_rate"]),
               help=f"{common.money(head['won_amount'])} won / {common.money(head['quota_amount'])} quota "
                    "(the full quota of the period, also while it runs)")
cols[6].metric("Quota pace", common.pct(head["quota_pace_rate"]),
               help=f"{common.money(head['won_amount'])} won / {common.money(head['quota_to_date_amount'])} quota to "
                    f"date ({common.pct(head['period_elapsed_share'])} of the period elapsed); 100% is on pace")
cols[4].metric("Commit close rate", common.pct(head["commit_close_rate"]),
               help=f"{common.count(head['commit_won_count'])} of {common.count(head['commit_deal_count'])} "
                    "Commit deals at the period start closed won")
cols[5].metric("Forecast accuracy", common.number(head["forecast_accuracy_rate"], 2),
               help=f"called {common.money(head['forecast_called_amount'])} vs won {common.money(head['won_amount'])}")

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

st.subheader(f"By {chosen.grain}")
common.table(rows, {
    "win_rate": common.PERCENT, "won_amount": common.MONEY, "avg_deal_size_amount": common.MONEY,
    "quota_amount": common.MONEY, "quota_attainment_rate": common.PERCENT, "quota_pace_rate": common.PERCENT,
    "commit_close_rate": common.PERCENT,
    "forecast_called_amount": common.MONEY, "forecast_accuracy_rate": st.column_config.NumberColumn(format="%.2f"),
})
