-- Warns when a person saved stage changes in a burst (batch logging): one failing row per
-- batch-logged change made by a person (stored in
-- test_failures.warn_when_any_batch_logged_change_exists). Automation users' bursts are not a
-- logging habit and are left out (they stay in dq_stage_progression).
with batch_logged as (
    select * from {{ ref('dq_stage_progression') }}
    where flag_type = 'batch_logged' and change_source = 'manual'
),

explained as (
    select
        opportunity_id,
        transition_number,
        opportunity_history_id,
        changed_at,
        changed_by_user_id,
        owner_id,
        owner_name,
        team_id,
        team_name,
        from_stage_name,
        to_stage_name,
        {{ dbt.concat([
            "'Batch-logged: the move of '",
            "coalesce(owner_name, owner_id, 'an unknown owner')",
            "'''s deal to '",
            "to_stage_name",
            "' was saved within " ~ var('batch_logging_window_minutes') ~ " minutes of another stage change on '",
            "cast(changed_date as " ~ dbt.type_string() ~ ")",
        ]) }} as failure_reason,
        what_to_do
    from batch_logged
)

select * from explained
