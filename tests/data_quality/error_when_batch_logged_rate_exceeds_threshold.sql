-- Fails when a rep's or the company's batch-logged rate in a period (month, quarter or year)
-- is above var batch_logged_rate_threshold, judged on at least var data_quality_min_transitions
-- transitions (fewer are too few to tell a habit from chance: rated 'review' in
-- rpt_data_quality). One failing row per rep or company period, stored in
-- test_failures.error_when_batch_logged_rate_exceeds_threshold, naming the rep, with the reason
-- and what to do.
{{ data_quality_rate_failures(
    'batch_logged',
    'Batch-logged',
    company_advice=dbt.concat([
        "'Stage changes are typed in after the fact across the team: make stage updates part of the '",
        "'weekly pipeline review, and read time in stage and stage dates of the period as typing dates, '",
        "'not buyer dates.'",
    ]),
    rep_advice=dbt.concat([
        "' to update stages as deals move rather than in bursts afterwards (their batch_logged rows in '",
        "'dq_stage_progression); until then, read their time in stage and stage dates as typing dates, '",
        "'not buyer dates.'",
    ]),
) }}
