-- Reports every rep, team or company period whose batch-logged rate over its trust window (the
-- transitions the trust rating of rpt_data_quality rests on) is above var
-- batch_logged_rate_threshold, judged on at least var data_quality_min_transitions transitions
-- (fewer are too few to tell a habit from chance: rated 'review'): the rows rated 'untrusted'
-- for batch logging. A warning by default, an error with var data_quality_test_severity: error.
-- One row per period, stored in test_failures.error_when_batch_logged_rate_exceeds_threshold,
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
        'batch_logged',
        'Batch-logged',
        company_advice=dbt.concat([
            "'Stage changes are typed in after the fact across the team: make stage updates part of the '",
            "'weekly pipeline review, and read time in stage and stage dates of the period as typing dates, '",
            "'not buyer dates.'",
        ]),
        team_advice=dbt.concat([
            "'The team types stage changes in after the fact: ask its manager to make stage updates part of '",
            "'the weekly pipeline review (the batch_logged rows in dq_stage_progression); until then, read the '",
            "'team''s time in stage and stage dates as typing dates, not buyer dates.'",
        ]),
        rep_advice=dbt.concat([
            "' to update stages as deals move rather than in bursts afterwards (their batch_logged rows in '",
            "'dq_stage_progression); until then, read their time in stage and stage dates as typing dates, '",
            "'not buyer dates.'",
        ]),
    ) }}
)

select * from failures
