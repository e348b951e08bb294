"""The open pipeline now by stage and forecast category (rpt_pipeline_daily), and the open deals
to act on (fct_open_deals): stuck in their stage, slipped, past due, the biggest."""

import streamlit as st

import common
import queries

alt = common.alt
chosen = common.filters()
st.title("Pipeline and deals to act on")
st.caption(f"What is open now, and which deals need a call? {chosen.focus_name.capitalize()}, at the as-of time "
           "(whatever period the sidebar chooses).")

with common.connection() as con:
    pipeline = queries.pipeline_by_stage(con, chosen.team_id)
    sizes = queries.deal_list_sizes(con, chosen.team_id)
    lists = {which: queries.deals_to_act_on(con, which, chosen.team_id) for which in queries.DEAL_LISTS}

st.subheader("Open pipeline by stage and forecast category")
if pipeline.empty:
    st.info("No open deal now.")
else:
    day = pipeline["pipeline_date"].iloc[0]
    st.caption(f"Deals open at the start of {day:%Y-%m-%d}, amounts in {chosen.currency}; weighted: each amount "
               "times the deal's win probability.")
    categories = ["Commit", "Best Case", "Pipeline", "Omitted", "n/a"]
    left, right = st.columns([3, 2])
    with left:
        common.chart(alt.Chart(pipeline).mark_bar().encode(
            x=alt.X("amount:Q", title=chosen.currency, axis=alt.Axis(format=",.0f")),
            y=alt.Y("stage_name:N", title=None, sort=list(dict.fromkeys(pipeline["stage_name"])),
                    axis=alt.Axis(labelLimit=220)),
            color=alt.Color("forecast_category:N", title="forecast category", legend=alt.Legend(orient="bottom"),
                            scale=alt.Scale(domain=categories,
                                            range=["#1f5fa8", "#6fa8dc", "#b7b7b7", "#e0e0e0", "#f4cccc"])),
            order=alt.Order("forecast_category:N"),
            tooltip=["stage_name:N", "forecast_category:N", "open_deal_count:Q",
                     alt.Tooltip("amount:Q", format=",.0f"), alt.Tooltip("weighted_amount:Q", format=",.0f")],
        ), height=40 * pipeline["stage_name"].nunique() + 60)
    with right:
        common.table(pipeline, {"stage_name": "Stage", "forecast_category": "Forecast category",
                                "open_deal_count": "Open deals", "amount": "Amount",
                                "weighted_amount": "Weighted amount"}, max_rows=20)

st.subheader("Deals to act on")
LISTS = {
    "stuck": ("Stuck: longer in their stage than usual",
              "Days in the current stage above the stage's usual time (the median of the visits to it that "
              "ended). Shorter is better: the longest over first.",
              {"stage_name": "Stage", "days_in_current_stage": "Days in stage", "usual_days_in_stage": "Usual days"}),
    "slipped": ("Slipped: close date pushed",
                "Open deals whose expected close date was moved later at least once: the most pushes first.",
                {"close_date_push_count": "Times pushed", "expected_close_date": "Expected close"}),
    "past_due": ("Past due: close date passed, still open",
                 "The expected close date is before today and the deal is still open: update it or close it. "
                 "The longest overdue first.",
                 {"expected_close_date": "Expected close", "past_due_days": "Days overdue"}),
    "biggest": ("Biggest open deals", "The largest amounts still open.",
                {"stage_name": "Stage", "forecast_category": "Forecast category"}),
}
for which, (title, explanation, extra) in LISTS.items():
    st.markdown(f"**{title}** ({common.count(sizes[which])} deals)")
    st.caption(explanation)
    if lists[which].empty:
        st.info("None now.")
    else:
        common.table(lists[which], {"opportunity_name": "Deal", "owner_name": "Owner", **extra, "amount": "Amount"},
                     max_rows=10)
