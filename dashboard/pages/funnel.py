"""The stage funnel (rpt_stage_conversion) and time in stage (rpt_time_in_stage) of one rep, team
or the company."""

import streamlit as st

import common
import queries

alt = common.alt
chosen = common.page_header("Stage funnel and time in stage", "Which stage loses deals, and where do they stall?")

with common.connection() as con:
    # the chosen team (else the company) first, then every row at the chosen grain
    names = {queries.focus(chosen.team_id): chosen.team_name or "Company"}
    entities = queries.kpi_rows(con, "rpt_kpi_tier2_diagnostics", ["won_count"], chosen.period_grain,
                                chosen.period_start, chosen.grain, chosen.team_id)
    for grain_id, name in zip(entities["grain_id"], entities["name"]):
        names.setdefault((chosen.grain, grain_id), name if chosen.grain != "team" else f"team {name}")
    whose = st.selectbox("Whose funnel", list(names), key=f"funnel_{chosen.grain}_{chosen.team_id}",
                         format_func=names.get)
    conversion = queries.stage_rows(con, "rpt_stage_conversion", *whose, chosen.period_grain, chosen.period_start)
    stage_time = queries.stage_rows(con, "rpt_time_in_stage", *whose, chosen.period_grain, chosen.period_start)

if conversion.empty:
    st.info("No stage data for this selection.")
    st.stop()

# a cohort whose deals have not had time to move (is_cohort_mature false) is greyed: its low
# conversion is deals still open, not a collapse
conversion["is_immature"] = [common.is_false(mature) for mature in conversion["is_cohort_mature"]]
conversion["label"] = [
    f"{entered} entered, {advanced} advanced ({common.pct(rate)})"
    + (f", {still_open} still open: too early to judge" if immature else "")
    for entered, advanced, rate, still_open, immature in zip(
        conversion["entered_count"], conversion["advanced_count"], conversion["stage_conversion_rate"],
        conversion["still_open_count"], conversion["is_immature"])
]
IMMATURE = "datum.is_immature"
stage_sort = list(conversion["stage_name"])
left, right = st.columns(2)
with left:
    st.markdown("**Funnel**: deals entering each stage for the first time in the period, and how many went on "
                "(grey: an immature cohort, too many deals still open to judge its conversion)")
    stage_axis = alt.Axis(labelLimit=220)
    room = alt.Scale(domain=[0, max(1, int(conversion["entered_count"].max())) * 1.5])  # for the labels
    funnel = alt.Chart(conversion).encode(y=alt.Y("stage_name:N", sort=stage_sort, title=None, axis=stage_axis))
    common.chart(
        funnel.mark_bar().encode(x=alt.X("entered_count:Q", title="deals", scale=room),
                                 color=alt.condition(IMMATURE, alt.value("#e0e0e0"), alt.value("#c6dbef")))
        + funnel.mark_bar(height=10).encode(x="advanced_count:Q", tooltip=["stage_name:N", "label:N"],
                                            color=alt.condition(IMMATURE, alt.value("#9e9e9e"), alt.value("#4c78a8")))
        + funnel.mark_text(align="left", dx=4, fontSize=11).encode(
            x="entered_count:Q", text="label:N",
            color=alt.condition(IMMATURE, alt.value("#9e9e9e"), alt.value("black"))),
        height=40 * len(conversion) + 40,
    )
with right:
    st.markdown("**Time in stage**: days per visit that ended in the period (bar: median, tick: mean). "
                "Shorter is better.")
    timing = alt.Chart(stage_time).encode(
        y=alt.Y("stage_name:N", sort=stage_sort, title=None, axis=alt.Axis(labelLimit=220)))
    common.chart(
        timing.mark_bar(color="#f58518").encode(
            x=alt.X("median_days_in_stage:Q", title="days (shorter is better)"),
            tooltip=["stage_name:N", "exited_visit_count:Q",
                     alt.Tooltip("median_days_in_stage:Q", format=".1f"),
                     alt.Tooltip("avg_days_in_stage:Q", format=".1f")])
        + timing.mark_tick(color="black", thickness=2, size=22).encode(x="avg_days_in_stage:Q"),
        height=40 * len(stage_time) + 40,
    )

left, right = st.columns(2)
with left:
    common.table(conversion, {"stage_name": "Stage", "entered_count": "Entered", "advanced_count": "Advanced",
                              "stage_conversion_rate": "Conversion", "still_open_count": "Still open",
                              "is_cohort_mature": "Old enough to judge"})
with right:
    common.table(stage_time, {"stage_name": "Stage", "exited_visit_count": "Visits ended",
                              "median_days_in_stage": "Median days", "avg_days_in_stage": "Mean days",
                              "days_in_stage_sum": "Days in all"})
