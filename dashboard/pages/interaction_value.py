"""Interaction value: what each touch on an open deal was worth, its distribution and by rep
(fct_interactions for the distribution, rpt_kpi_tier3_levers for the numbers per rep)."""

import pandas as pd
import streamlit as st

import common
import queries

alt = common.alt
TABLE = "rpt_kpi_tier3_levers"
SIGNS = ["negative", "zero", "positive"]
SIGN_COLOURS = alt.Scale(domain=SIGNS, range=["#e45756", "#9d9d9d", "#4c78a8"])
COUNTS = ["valued_interaction_count", "positive_interaction_count", "interaction_value_sum_amount"]
RATIOS = ["avg_interaction_value_amount", "positive_interaction_rate"]
# what ended a touch's interval (fct_interactions.interval_end_reason), as the page says it
INTERVAL_ENDS = {
    "next_interaction": "the next touch", "close": "the close", "as_of": "the as-of date",
    "horizon": "the horizon",
}
chosen = common.page_header("Interaction value", "Which touches move deals, and whose?")

st.markdown(
    "Each touch on an open deal is worth the deal's amount times the change in its win probability, "
    "from just before the touch to the end of the touch's interval: the next touch on the deal, the "
    "deal's close, or 14 days later (the default horizon), whichever comes first. A touch followed by "
    "a stage advance is worth more than nothing; one followed by a stall, a push or a loss is worth "
    "less. Many touches on one deal share what the deal moved: extra touches lower the mean, they do "
    "not raise the total."
)

with common.connection() as con:
    head = queries.focus_row(con, TABLE, ["activity_count", *COUNTS, *RATIOS],
                             chosen.period_grain, chosen.period_start, chosen.team_id)
    before = queries.focus_row(con, TABLE, ["activity_count", *COUNTS, *RATIOS],
                               chosen.period_grain, chosen.previous_start, chosen.team_id)
    rows = queries.kpi_rows(con, TABLE, ["activity_count", *COUNTS, *RATIOS],
                            chosen.period_grain, chosen.period_start, "rep", chosen.team_id)
    valued = queries.valued_interactions(con, chosen.period_start, chosen.period_end, chosen.team_id)

methods = set(valued["probability_method"].dropna())
if "stage_win_rate" in methods:
    st.warning(
        "Win probabilities here are the historical win rates of each stage (`stage_win_rate`): the deal-state "
        "model was not better than them on held-out deals. A touch is then worth something only when its "
        "deal changes stage or closes within its interval."
    )
elif methods:
    st.caption(f"Win probabilities from the deal-state model ({', '.join(sorted(methods))}), "
               "fitted on the deals closed by the as-of time.")

cols = st.columns(4)
common.metric(cols[0], "Average interaction value", head["avg_interaction_value_amount"],
              before["avg_interaction_value_amount"], "money",
              help=f"{common.money(head['interaction_value_sum_amount'])} over "
                   f"{common.count(head['valued_interaction_count'])} interactions on open deals")
common.metric(cols[1], "Total interaction value", head["interaction_value_sum_amount"],
              before["interaction_value_sum_amount"], "money",
              help="What the deals moved while they were being touched, in money")
common.metric(cols[2], "Positive share", head["positive_interaction_rate"], before["positive_interaction_rate"],
              "rate", help=f"{common.count(head['positive_interaction_count'])} of "
                           f"{common.count(head['valued_interaction_count'])} valued interactions worth more than 0")
common.metric(cols[3], "Interactions valued", head["valued_interaction_count"], before["valued_interaction_count"],
              "count", help=f"of {common.count(head['activity_count'])} activities logged (the others were on no "
                            "open deal)")

if valued.empty:
    st.info("No valued interactions in this period.")
else:
    histogram = queries.value_histogram(valued["interaction_value_amount"])
    signs = (histogram.groupby("sign", as_index=False)["interaction_count"].sum()
             .assign(share=lambda frame: frame["interaction_count"] / len(valued)))
    left, right = st.columns([3, 1])
    with left:
        st.markdown(f"**Distribution of interaction values**, {common.count(len(valued))} valued interactions "
                    f"of {chosen.focus_name} (the outer bars are open-ended)")
        common.chart(alt.Chart(histogram).mark_bar().encode(
            x=alt.X("bin:N", title="interaction value", sort=list(histogram["bin"]),
                    axis=alt.Axis(labelAngle=-45, labelOverlap=False)),
            y=alt.Y("interaction_count:Q", title="interactions"),
            color=alt.Color("sign:N", scale=SIGN_COLOURS, legend=None),
            tooltip=["bin:N", "interaction_count:Q"],
        ), height=300)
    with right:
        st.markdown("**Share of interactions**")
        common.chart(alt.Chart(signs).mark_bar().encode(
            x=alt.X("sign:N", title=None, sort=SIGNS, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("share:Q", title=None, axis=alt.Axis(format=".0%"), scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("sign:N", scale=SIGN_COLOURS, legend=None),
            tooltip=["sign:N", alt.Tooltip("share:Q", format=".1%"), "interaction_count:Q"],
        ), height=300)

by_rep = rows[rows["valued_interaction_count"] > 0]
st.markdown("**By rep**: the mean value of a touch, and the share of touches worth more than 0")
if by_rep.empty:
    st.info("No rep logged a valued interaction in this period.")
else:
    left, right = st.columns(2)
    rep_axis = alt.Y("name:N", title=None, sort="-x", axis=alt.Axis(labelOverlap=False, labelLimit=180))
    tooltip = ["name:N", alt.Tooltip("avg_interaction_value_amount:Q", format=",.0f"),
               alt.Tooltip("interaction_value_sum_amount:Q", format=",.0f"),
               alt.Tooltip("positive_interaction_rate:Q", format=".1%"), "positive_interaction_count:Q",
               "valued_interaction_count:Q"]
    with left:
        common.chart(alt.Chart(by_rep).mark_bar().encode(
            x=alt.X("avg_interaction_value_amount:Q", title="average value", axis=alt.Axis(format=",.0f")),
            y=rep_axis,
            color=alt.condition(alt.datum.avg_interaction_value_amount >= 0, alt.value("#4c78a8"),
                                alt.value("#e45756")),
            tooltip=tooltip,
        ), height=max(200, 20 * len(by_rep)))
    with right:
        common.chart(alt.Chart(by_rep).mark_bar(color="#4c78a8").encode(
            x=alt.X("positive_interaction_rate:Q", title="positive share", axis=alt.Axis(format=".0%"),
                    scale=alt.Scale(domain=[0, 1])),
            y=rep_axis,
            tooltip=tooltip,
        ), height=max(200, 20 * len(by_rep)))

common.table(rows, {"name": "Rep", "avg_interaction_value_amount": "Average value",
                    "positive_interaction_rate": "Positive share", "interaction_value_sum_amount": "Total value",
                    "valued_interaction_count": "Touches valued", "positive_interaction_count": "Worth more than 0",
                    "activity_count": "Activities"})

if not valued.empty:
    st.markdown("**The largest moves of the period**: the five touches worth most and the five worth least")
    largest = valued.nlargest(5, "interaction_value_amount")
    smallest = valued.nsmallest(5, "interaction_value_amount").iloc[::-1]
    moves = pd.concat([largest, smallest[~smallest["interaction_id"].isin(largest["interaction_id"])]])
    moves = moves.assign(ended_by=moves["interval_end_reason"].map(INTERVAL_ENDS))
    common.table(moves, {"name": "Rep", "occurred_date": "Date", "interaction_type": "Touch", "ended_by": "Until",
                         "probability_before": "Win chance before", "probability_after": "Win chance after",
                         "interaction_value_amount": "Value"})
