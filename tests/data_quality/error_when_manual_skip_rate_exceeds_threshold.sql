-- Fails when a rep's or the company's manual-skip rate in a period (month, quarter or year)
-- is above var manual_skip_rate_threshold, judged on at least var data_quality_min_transitions
-- transitions (fewer are too few to tell a habit from chance: rated 'review' in
-- rpt_data_quality). One failing row per rep or company period, stored in
-- test_failures.error_when_manual_skip_rate_exceeds_threshold, naming the rep, with the reason
-- and what to do.
{{ data_quality_rate_failures(
    'manual_skip',
    'Manual-skip',
    company_advice=dbt.concat([
        "'Skipping stages is a habit across the team, not one rep''s: agree stage exit criteria with the '",
        "'sales managers, consider making the skipped stages required in Salesforce, and do not compare '",
        "'stage conversion or time in stage across periods until the rate falls.'",
    ]),
    rep_advice=dbt.concat([
        "' to go through their manual skips in dq_stage_progression (flag_type manual_skip) and '",
        "'backfill the skipped stages; until the rate is back under the threshold, read their stage '",
        "'conversion and time in stage as logging habits, not buyer behaviour.'",
    ]),
) }}
