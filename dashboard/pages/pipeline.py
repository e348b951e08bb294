"""The open pipeline now by stage and forecast category (rpt_pipeline_daily), its age at each
quarter end (rpt_pipeline_age), and the open deals to act on: the reasons of fct_deals_at_risk
(stuck in their stage, pushed twice or more, past due, no recent interaction, win probability
fallen) with what to do, and the biggest (fct_open_deals)."""

import datetime as dt

import streamlit as st

import common
import queries

alt = common.alt
chosen = common.filters()
st.title("Pipeline and deals to act on")
st.caption(f"What is open now, and which deals need a call? {chosen.focus_name.capitalize()}, at the as-of time "
           "(whatever period the sidebar chooses).")

AGE_BUCKETS = {"age_0_30_amount": "0-30 days", "age_31_60_amount": "31-60 days", "age_61_90_amount": "61-90 days",
               "age_over_90_amount": "over 90 days"}
AGE_COLUMNS = ["open_deal_count", "open_amount", *AGE_BUCKETS,
               *(column.replace("_amount", "_deal_count") for column in AGE_BUCKETS)]

with common.connection() as con:
    pipeline = queries.pipeline_by_stage(con, chosen.team_id)
    sizes = queries.deal_list_sizes(con, chosen.team_id)
    lists = {which: queries.deals_to_act_on(con, which, chosen.team_id) for which in queries.DEAL_LISTS}
    # the 8 quarters up to the one running at the as-of time (no quarter is later)
    ages = queries.trend(con, "rpt_pipeline_age", AGE_COLUMNS, "quarter", dt.date.max, chosen.team_id, periods_back=8)

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

st.subheader("Pipeline age at each quarter end")
st.caption(f"The deals open at each quarter's end (the running quarter: now), by days since their creation, amounts "
           f"in {chosen.currency}. Old pipeline rarely closes: a growing 90+ share is deals to close out.")
if ages.empty:
    st.info("No quarter yet.")
else:
    long = ages.melt("period", list(AGE_BUCKETS), "age", "amount")
    long["age"] = long["age"].map(AGE_BUCKETS)
    common.chart(alt.Chart(long).mark_bar().encode(
        x=alt.X("period:O", title=None, sort=None, axis=alt.Axis(labelAngle=0, labelOverlap=True)),
        y=alt.Y("amount:Q", title=chosen.currency, axis=alt.Axis(format=",.0f")),
        color=alt.Color("age:N", title="age", sort=list(AGE_BUCKETS.values()), legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(domain=list(AGE_BUCKETS.values()),
                                        range=["#1f5fa8", "#6fa8dc", "#f6b26b", "#cc4125"])),
        order=alt.Order("age:N"),
        tooltip=["period:O", "age:N", alt.Tooltip("amount:Q", format=",.0f")],
    ))
    common.table(ages.iloc[::-1], {"period": "Quarter end", "open_deal_count": "Open deals", "open_amount": "Amount",
                                   "age_0_30_deal_count": "Aged 0-30 d", "age_31_60_deal_count": "Aged 31-60 d",
                                   "age_61_90_deal_count": "Aged 61-90 d", "age_over_90_deal_count": "Aged 90+ d",
                                   "age_over_90_amount": "Amount 90+ d"}, max_rows=8)

st.subheader("Deals to act on")
st.caption("The deals at risk, by reason (a deal can be in several lists), each with what to do.")
LISTS = {
    "stuck": ("Stuck: longer in their stage than 3 in 4 deals",
              "Days in the current stage above the stage's p75 (of the visits to it that ended). The longest over "
              "first.",
              {"stage_name": "Stage", "days_in_current_stage": "Days in stage",
               "stage_p75_days_in_stage": "Stage p75 (days)"}),
    "pushed": ("Pushed twice or more",
               "Open deals whose expected close date was moved later two or more times: the most pushes first.",
               {"close_date_push_count": "Times pushed", "expected_close_date": "Expected close"}),
    "past_due": ("Past due: close date passed, still open",
                 "The expected close date is before today and the deal is still open: update it or close it. "
                 "The longest overdue first.",
                 {"expected_close_date": "Expected close", "past_due_days": "Days overdue"}),
    "quiet": ("No recent interaction",
              "No task or event on the deal's account within the cadence target: the longest silent first.",
              {"last_account_interaction_at": "Last interaction"}),
    "probability_dropped": ("Win probability fallen",
                            "The win probability fell by the set drop or more since the quarter start: the largest "
                            "fall first.",
                            {"quarter_start_win_probability": "Probability at quarter start",
                             "win_probability": "Probability now"}),
    "biggest": ("Biggest open deals", "The largest amounts still open.",
                {"stage_name": "Stage", "forecast_category": "Forecast category"}),
}
for which, (title, explanation, extra) in LISTS.items():
    st.markdown(f"**{title}** ({common.count(sizes[which])} deals)")
    st.caption(explanation)
    if lists[which].empty:
        st.info("None now.")
    else:
        common.table(lists[which], {"opportunity_name": "Deal", "owner_name": "Owner", **extra, "amount": "Amount",
                                    **({} if which == "biggest" else {"what_to_do": "What to do"})},
                     max_rows=10)
