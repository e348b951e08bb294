"""Data quality of stage progression next to the Tier 3 numbers it undermines
(rpt_data_quality, rpt_kpi_tier3_levers, dq_stage_progression)."""

import streamlit as st

import common
import queries

alt = common.alt
chosen = common.page_header(
    "Data quality", "Whose stage data can be trusted? Manual skips and batch logging make Tier 3 numbers measure "
    "logging habits, not buyers.",
)

if chosen.period_grain == "week":
    # rpt_data_quality has no week rows: its trust rating looks at a trailing window of days
    st.info("Data quality is published by month, quarter and year (its trust rating looks at a trailing window "
            "of days, not at the week): choose one of those grains.")
    st.stop()

with common.connection() as con:
    head = queries.focus_row(con, "rpt_data_quality", [
        "transition_count", "manual_skip_count", "manual_skip_rate", "batch_logged_count", "batch_logged_rate",
        "unsupported_progression_count", "unsupported_progression_rate", "upward_move_count",
        "stale_open_deal_count", "open_deal_count", "manual_skip_rate_threshold", "batch_logged_rate_threshold",
        "min_transitions_for_rating",
    ], chosen.period_grain, chosen.period_start, chosen.team_id)
    reps = queries.data_quality_with_levers(con, chosen.period_grain, chosen.period_start, chosen.team_id)
    flagged = queries.flagged_transitions(con, chosen.period_start, chosen.period_end, chosen.team_id)

cols = st.columns(5)
cols[0].metric("Manual-skip rate", common.pct(head["manual_skip_rate"]),
               help=f"{common.count(head['manual_skip_count'])} of {common.count(head['transition_count'])} "
                    f"stage changes; threshold {common.pct(head['manual_skip_rate_threshold'])}")
cols[1].metric("Batch-logged rate", common.pct(head["batch_logged_rate"]),
               help=f"{common.count(head['batch_logged_count'])} of {common.count(head['transition_count'])} "
                    f"stage changes; threshold {common.pct(head['batch_logged_rate_threshold'])}")
cols[2].metric("Unsupported progression", common.pct(head["unsupported_progression_rate"]),
               help=f"{common.count(head['unsupported_progression_count'])} of "
                    f"{common.count(head['upward_move_count'])} forward moves without an interaction")
cols[3].metric("Stale open deals", common.count(head["stale_open_deal_count"]),
               help=f"of {common.count(head['open_deal_count'])} open deals")
ratings = reps["trust_rating"].value_counts()
cols[4].metric("Reps untrusted / to review",
               f"{common.count(ratings.get('untrusted', 0))} / {common.count(ratings.get('review', 0))}",
               help=f"rates judged on {common.count(head['min_transitions_for_rating'])}+ stage changes")

measured = reps[reps["transition_count"] > 0]
left, right = st.columns([3, 2])
with left:
    st.markdown("**Manual skips and batch logging by rep** (dashed: thresholds; size: stage changes)")
    thresholds = alt.Chart(measured.head(1).assign(
        skip=head["manual_skip_rate_threshold"], batch=head["batch_logged_rate_threshold"]))
    common.chart(
        alt.Chart(measured).mark_circle(opacity=0.8).encode(
            x=alt.X("manual_skip_rate:Q", title="manual-skip rate", axis=alt.Axis(format=".0%")),
            y=alt.Y("batch_logged_rate:Q", title="batch-logged rate", axis=alt.Axis(format=".0%")),
            size=alt.Size("transition_count:Q", title="stage changes", legend=None),
            color=alt.Color("trust_rating:N", title="trust",
                            scale=alt.Scale(domain=["trusted", "review", "untrusted"],
                                            range=["#54a24b", "#eeca3b", "#e45756"]),
                            legend=alt.Legend(orient="bottom")),
            tooltip=["name:N", "trust_rating:N", "transition_count:Q",
                     alt.Tooltip("manual_skip_rate:Q", format=".1%"), alt.Tooltip("batch_logged_rate:Q", format=".1%")],
        )
        + thresholds.mark_rule(strokeDash=[4, 3], color="grey").encode(x="skip:Q")
        + thresholds.mark_rule(strokeDash=[4, 3], color="grey").encode(y="batch:Q"),
        height=320,
    )
with right:
    st.markdown("**Flagged stage changes in the period** (dq_stage_progression)")
    if flagged.empty:
        st.info("No flagged stage change in this period.")
    else:
        by_flag = flagged.groupby("flag_type", as_index=False)["flagged_count"].sum()
        common.chart(alt.Chart(by_flag).mark_bar(color="#72b7b2").encode(
            x=alt.X("flagged_count:Q", title="stage changes"),
            y=alt.Y("flag_type:N", title=None, sort="-x"),
            tooltip=["flag_type:N", "flagged_count:Q"],
        ), height=280)

st.subheader("Reps: stage-data quality next to their Tier 3 numbers")
common.table(reps, {
    "manual_skip_rate": common.PERCENT, "batch_logged_rate": common.PERCENT,
    "unsupported_progression_rate": common.PERCENT, "stage_conversion_rate": common.PERCENT,
    "median_days_in_stage": common.DAYS, "median_sales_cycle_days": common.DAYS,
    "sales_velocity_per_day_amount": common.MONEY,
})
with st.expander("Flagged stage changes by rep and flag"):
    common.table(flagged)
