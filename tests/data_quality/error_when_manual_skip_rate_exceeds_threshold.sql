-- Reports every rep, team or company period whose manual-skip rate over its trust window (the
-- transitions the trust rating of rpt_data_quality rests on) is above var
-- manual_skip_rate_threshold, judged on at least var data_quality_min_transitions transitions
-- (fewer are too few to tell a habit from chance: rated 'review'): the rows rated 'untrusted'
-- for manual skips. A warning by default, an error with var data_quality_test_severity: error.
-- One row per period, stored in test_failures.error_when_manual_skip_rate_exceeds_threshold,
-- naming the rep or team, with the reason and what to do.
with data_quality as (
    select * from {{ ref('rpt_data_quality') }}
),

reps as (
    select * from {{ ref('dim_reps') }}
),

failures as (
    {{ data_quality_rate_failures(
        'data_quality',
        'reps',
        'manual_skip',
        'Manual-skip',
        company_advice=dbt.concat([
            "'Skipping stages is a habit across the team, not one rep''s: agree stage exit criteria with the '",
            "'sales managers, consider making the skipped stages required in Salesforce, and do not compare '",
            "'stage conversion or time in stage across periods until the rate falls.'",
        ]),
        team_advice=dbt.concat([
            "'Go through the team''s manual skips in dq_stage_progression (flag_type manual_skip) with its '",
            "'manager and agree stage exit criteria; until the rate is back under the threshold, read the '",
            "'team''s stage conversion and time in stage as logging habits, not buyer behaviour.'",
        ]),
        rep_advice=dbt.concat([
            "' to go through their manual skips in dq_stage_progression (flag_type manual_skip) and '",
            "'backfill the skipped stages; until the rate is back under the threshold, read their stage '",
            "'conversion and time in stage as logging habits, not buyer behaviour.'",
        ]),
    ) }}
)

select * from failures
