-- Fails when a rep's or the company's manual-skip rate in a period (month, quarter or year)
-- is above var manual_skip_rate_threshold, judged on at least var data_quality_min_transitions
-- transitions (fewer are too few to tell a habit from chance: rated 'review' in
-- rpt_data_quality). One failing row per rep or company period, stored in
-- test_failures.error_when_manual_skip_rate_exceeds_threshold, naming the rep, with the reason and what to do.
{%- set text = dbt.type_string() %}

with data_quality as (
    select * from {{ ref('rpt_data_quality') }}
),

reps as (
    select
        rep_id,
        rep_name,
        team_name
    from {{ ref('dim_reps') }}
),

above_threshold as (
    select
        data_quality.grain,
        data_quality.grain_id,
        data_quality.period_grain,
        data_quality.period_start,
        data_quality.transition_count,
        data_quality.manual_skip_count,
        data_quality.manual_skip_rate,
        cast({{ var('manual_skip_rate_threshold') }} as {{ type_double() }}) as manual_skip_rate_threshold
    from data_quality
    where
        data_quality.grain in ('rep', 'company')
        and data_quality.transition_count >= {{ var('data_quality_min_transitions') }}
        and data_quality.manual_skip_rate > {{ var('manual_skip_rate_threshold') }}
),

explained as (
    select
        above_threshold.grain,
        above_threshold.grain_id,
        case
            when above_threshold.grain = 'company' then 'the company'
            else coalesce(reps.rep_name, above_threshold.grain_id)
        end as rep_name,
        reps.team_name,
        above_threshold.period_grain,
        above_threshold.period_start,
        above_threshold.transition_count,
        above_threshold.manual_skip_count,
        above_threshold.manual_skip_rate,
        above_threshold.manual_skip_rate_threshold,
        {{ dbt.concat([
            "'Manual-skip rate of '",
            "coalesce(reps.rep_name, case when above_threshold.grain = 'company' then 'the company' end, "
            ~ "above_threshold.grain_id)",
            "' in the '",
            "above_threshold.period_grain",
            "' starting '",
            "cast(above_threshold.period_start as " ~ text ~ ")",
            "': '",
            "cast(cast(above_threshold.manual_skip_rate * 100 as decimal(6, 1)) as " ~ text ~ ")",
            "'% ('",
            "cast(above_threshold.manual_skip_count as " ~ text ~ ")",
            "' of '",
            "cast(above_threshold.transition_count as " ~ text ~ ")",
            "' transitions), above the threshold of '",
            "cast(cast(above_threshold.manual_skip_rate_threshold * 100 as decimal(6, 1)) as " ~ text ~ ")",
            "'%'",
        ]) }} as failure_reason,
        case
            when above_threshold.grain = 'company'
                then {{ dbt.concat([
                    "'Skipping stages is a habit across the team, not one rep''s: agree stage exit criteria with the '",
                    "'sales managers, consider making the skipped stages required in Salesforce, and do not compare '",
                    "'stage conversion or time in stage across periods until the rate falls.'",
                ]) }}
            else {{ dbt.concat([
                "'Ask '",
                "coalesce(reps.rep_name, above_threshold.grain_id)",
                "' to go through their manual skips in dq_stage_progression (flag_type manual_skip) and '",
                "'backfill the skipped stages; until the rate is back under the threshold, read their stage '",
                "'conversion and time in stage as logging habits, not buyer behaviour.'",
            ]) }}
        end as what_to_do
    from above_threshold
    left join reps
        on
            above_threshold.grain = 'rep'
            and above_threshold.grain_id = reps.rep_id
)

select * from explained
