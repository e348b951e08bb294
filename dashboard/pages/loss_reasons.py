"""Why deals are lost: the lost deals of the period by loss reason (rpt_loss_reasons), against the
period before, with the totals of rpt_kpi_tier2_diagnostics."""

import pandas as pd
import streamlit as st

import common
import queries

alt = common.alt
chosen = common.page_header("Why deals are lost", "Which reasons cost the most deals and money?")
TOTALS = ["lost_count", "lost_amount", "lost_unknown_amount_count", "closed_count", "win_rate"]

with common.connection() as con:
    head = queries.focus_row(con, "rpt_kpi_tier2_diagnostics", TOTALS, chosen.period_grain, chosen.period_start,
                             chosen.team_id)
    before = queries.focus_row(con, "rpt_kpi_tier2_diagnostics", TOTALS, chosen.period_grain,
                               chosen.previous_start, chosen.team_id)
    reasons = queries.loss_reasons(con, chosen.period_grain, chosen.period_start, chosen.team_id)
    reasons_before = queries.loss_reasons(con, chosen.period_grain, chosen.previous_start, chosen.team_id)

cols = st.columns(4)
common.metric(cols[0], "Deals lost", head["lost_count"], before["lost_count"], "count", lower_is_better=True,
              help=f"of {common.count(head['closed_count'])} deals closed")
common.metric(cols[1], "Amount lost", head["lost_amount"], before["lost_amount"], "money", lower_is_better=True,
              help="the lost deals with a known amount"
                   + (f"; {common.count(head['lost_unknown_amount_count'])} of unknown amount left out"
                      if head["lost_unknown_amount_count"] else ""))
common.metric(cols[2], "Win rate", head["win_rate"], before["win_rate"], "rate",
              help="deals won of the deals closed")
top = reasons.iloc[0] if not reasons.empty else None
cols[3].metric("Costliest reason", common.NOT_KNOWN if top is None else top["loss_reason"],
               help=None if top is None else f"{common.count(top['lost_count'])} deals, {common.money(top['lost_amount'])}")

if reasons.empty:
    st.info("No deal lost in this period.")
    st.stop()

both = reasons.merge(reasons_before, on="loss_reason", how="left", suffixes=("", "_before"))
long = pd.concat([
    reasons.assign(period=chosen.period_label),
    reasons_before[reasons_before["loss_reason"].isin(reasons["loss_reason"])].assign(
        period=chosen.previous_label or "before"),
])
order = list(reasons["loss_reason"])
left, right = st.columns(2)
with left:
    st.markdown(f"**Amount lost by reason** ({chosen.currency}; light: the period before). Fewer is better.")
    common.chart(alt.Chart(long).mark_bar().encode(
        x=alt.X("lost_amount:Q", title=chosen.currency, axis=alt.Axis(format=",.0f")),
        y=alt.Y("loss_reason:N", title=None, sort=order, axis=alt.Axis(labelLimit=220)),
        yOffset=alt.YOffset("period:N", sort=[chosen.period_label]),
        color=alt.Color("period:N", title=None, sort=[chosen.period_label], legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(range=["#e45756", "#f4b5b5"])),
        tooltip=["loss_reason:N", "period:N", "lost_count:Q", alt.Tooltip("lost_amount:Q", format=",.0f")],
    ), height=max(200, 48 * len(order)))
with right:
    common.table(both, {
        "loss_reason": "Reason", "lost_count": "Deals lost", "lost_amount": "Amount lost",
        "lost_count_before": "Deals lost, period before", "lost_amount_before": "Amount lost, period before",
    })
st.caption("A reason the period before did not have reads n/a there. The reasons are as reps recorded them "
           "(blank: unknown).")
