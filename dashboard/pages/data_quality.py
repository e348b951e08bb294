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
        "min_transitions_for_rating", "trust_window_start_date", "period_end",
    ], chosen.period_grain, chosen.period_start, chosen.team_id)
    before = queries.focus_row(con, "rpt_data_quality", [
        "manual_skip_rate", "batch_logged_rate", "unsupported_progression_rate", "stale_open_deal_count",
    ], chosen.period_grain, chosen.previous_start, chosen.team_id)
    reps = queries.data_quality_with_levers(con, chosen.period_grain, chosen.period_start, chosen.team_id)
    flagged = queries.flagged_transitions(con, chosen.period_start, chosen.period_end, chosen.team_id)

cols = st.columns(5)
common.metric(cols[0], "Manual-skip rate", head["manual_skip_rate"], before["manual_skip_rate"], "rate",
              lower_is_better=True,
              help=f"{common.count(head['manual_skip_count'])} of {common.count(head['transition_count'])} "
                   f"stage changes; threshold {common.pct(head['manual_skip_rate_threshold'])}")
common.metric(cols[1], "Batch-logged rate", head["batch_logged_rate"], before["batch_logged_rate"], "rate",
              lower_is_better=True,
              help=f"{common.count(head['batch_logged_count'])} of {common.count(head['transition_count'])} "
                   f"stage changes; threshold {common.pct(head['batch_logged_rate_threshold'])}")
common.metric(cols[2], "Unsupported progression", head["unsupported_progression_rate"],
              before["unsupported_progression_rate"], "rate", lower_is_better=True,
              help=f"{common.count(head['unsupported_progression_count'])} of "
                   f"{common.count(head['upward_move_count'])} forward moves without an interaction")
common.metric(cols[3], "Stale open deals", head["stale_open_deal_count"], before["stale_open_deal_count"], "count",
              lower_is_better=True, help=f"of {common.count(head['open_deal_count'])} open deals")
ratings = reps["trust_rating"].value_counts()
cols[4].metric("Reps untrusted / to review",
               f"{common.count(ratings.get('untrusted', 0))} / {common.count(ratings.get('review', 0))}",
               help=f"rates judged on {common.count(head['min_transitions_for_rating'])}+ stage changes")

window = (f"from {head['trust_window_start_date']:%Y-%m-%d} to the period's end"
          if not common.formatting.is_unknown(head["trust_window_start_date"]) else "of the period")
minimum = common.count(head["min_transitions_for_rating"])
skip, batch = common.pct(head["manual_skip_rate_threshold"]), common.pct(head["batch_logged_rate_threshold"])
st.markdown(
    f"**What the trust ratings mean.** Each rep is rated on the stage changes of a trust window ({window} for "
    f"{chosen.focus_name}).\n"
    f"- **trusted**: {minimum} or more stage changes, at most {skip} of them skipping stages by hand and at most "
    f"{batch} logged in a batch: the rep's conversion and time in stage describe buyers.\n"
    f"- **review**: fewer than {minimum} stage changes: too few to tell a habit from chance; look at the "
    "flagged changes below.\n"
    f"- **untrusted**: manual skips above {skip} or batch logging above {batch}: read that rep's conversion and "
    "time in stage as logging habits, not as buyer behaviour, until the data is cleaned up."
)

measured = reps[reps["trust_transition_count"] > 0]
left, right = st.columns([3, 2])
with left:
    st.markdown("**Manual skips and batch logging by rep**, in the trust window (dashed: thresholds; size: stage "
                "changes). Lower is better: the bottom left is clean data.")
    thresholds = alt.Chart(measured.head(1).assign(
        skip=head["manual_skip_rate_threshold"], batch=head["batch_logged_rate_threshold"]))
    points = alt.Chart(measured).encode(
        x=alt.X("trust_manual_skip_rate:Q", title="manual-skip rate (lower is better)", axis=alt.Axis(format=".0%")),
        y=alt.Y("trust_batch_logged_rate:Q", title="batch-logged rate (lower is better)", axis=alt.Axis(format=".0%")),
        tooltip=["name:N", "trust_rating:N", "trust_transition_count:Q",
                 alt.Tooltip("trust_manual_skip_rate:Q", format=".1%"),
                 alt.Tooltip("trust_batch_logged_rate:Q", format=".1%")],
    )
    common.chart(
        points.mark_circle(opacity=0.8).encode(
            size=alt.Size("trust_transition_count:Q", title="stage changes", legend=None),
            color=alt.Color("trust_rating:N", title="trust",
                            scale=alt.Scale(domain=["trusted", "review", "untrusted"],
                                            range=["#54a24b", "#eeca3b", "#e45756"]),
                            legend=alt.Legend(orient="bottom")),
        )
        + points.mark_text(align="left", dx=7, dy=-7, fontSize=10, color="#333").encode(text="name:N")
        + thresholds.mark_rule(strokeDash=[4, 3], color="grey").encode(x="skip:Q")
        + thresholds.mark_rule(strokeDash=[4, 3], color="grey").encode(y="batch:Q"),
        height=360,
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

st.subheader("Reps: how far their stage data can be trusted")
common.table(reps, {"name": "Rep", "trust_rating": "Trust", "trust_transition_count": "Stage changes (window)",
                    "trust_manual_skip_rate": "Manual skips (window)", "trust_batch_logged_rate": "Batch logged (window)",
                    "unsupported_progression_rate": "Moves without a touch", "stale_open_deal_count": "Stale open deals"})
st.subheader("Their Tier 3 numbers, to read with the rating")
st.caption("Days: shorter is better. An untrusted rep's numbers measure logging habits.")
common.table(reps, {"name": "Rep", "trust_rating": "Trust", "stage_conversion_rate": "Stage conversion",
                    "median_days_in_stage": "Time in stage (median)", "median_sales_cycle_days": "Sales cycle (median)",
                    "sales_velocity_per_day_amount": "Velocity per day", "manual_skip_count": "Manual skips (period)",
                    "transition_count": "Stage changes (period)"})
with st.expander("Flagged stage changes by rep and flag"):
    common.table(flagged, {"owner_name": "Rep", "flag_type": "Flag", "change_source": "Logged by",
                           "flagged_count": "Stage changes"})
