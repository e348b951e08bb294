"""Interaction value by rep: the change in win probability each interaction brought, in money
(rpt_kpi_tier3_levers)."""

import streamlit as st

import common
import queries

alt = common.alt
TABLE = "rpt_kpi_tier3_levers"
chosen = common.page_header("Interaction value by rep", "Which reps' interactions move deals?")

with common.connection() as con:
    head = queries.focus_row(con, TABLE, [
        "avg_interaction_value_amount", "interaction_value_sum_amount", "valued_interaction_count", "activity_count",
    ], chosen.period_grain, chosen.period_start, chosen.team_id)
    rows = queries.kpi_rows(con, TABLE, [
        "activity_count", "valued_interaction_count", "interaction_value_sum_amount", "avg_interaction_value_amount",
    ], chosen.period_grain, chosen.period_start, "rep", chosen.team_id)
    history = queries.trend(con, TABLE, ["avg_interaction_value_amount"], chosen.period_grain,
                            chosen.period_start, chosen.team_id)

cols = st.columns(3)
cols[0].metric("Average interaction value", common.money(head["avg_interaction_value_amount"]),
               help=f"{common.money(head['interaction_value_sum_amount'])} over "
                    f"{common.count(head['valued_interaction_count'])} interactions on open deals")
cols[1].metric("Interactions valued", common.count(head["valued_interaction_count"]))
cols[2].metric("Activities logged", common.count(head["activity_count"]))

valued = rows[rows["valued_interaction_count"] > 0]
left, right = st.columns([3, 2])
with left:
    st.markdown("**Average value per interaction, by rep** (amount x change in win probability)")
    if valued.empty:
        st.info("No valued interactions in this period.")
    else:
        common.chart(alt.Chart(valued).mark_bar().encode(
            x=alt.X("avg_interaction_value_amount:Q", title="average value", axis=alt.Axis(format=",.0f")),
            y=alt.Y("name:N", title=None, sort="-x", axis=alt.Axis(labelOverlap=False, labelLimit=180)),
            color=alt.condition(alt.datum.avg_interaction_value_amount >= 0, alt.value("#4c78a8"),
                                alt.value("#e45756")),
            tooltip=["name:N", alt.Tooltip("avg_interaction_value_amount:Q", format=",.0f"),
                     "valued_interaction_count:Q", alt.Tooltip("interaction_value_sum_amount:Q", format=",.0f")],
        ), height=max(200, 20 * len(valued)))
with right:
    common.chart(common.trend_chart(history, "avg_interaction_value_amount",
                                    f"Average interaction value, {chosen.focus_name}"))

common.table(rows, {
    "interaction_value_sum_amount": common.MONEY, "avg_interaction_value_amount": common.MONEY,
})
