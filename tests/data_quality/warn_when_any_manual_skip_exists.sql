-- Warns when any stage was skipped by hand: one failing row per manual skip (stored in
-- test_failures.warn_when_any_manual_skip_exists), naming the deal, the transition, who made
-- it, the owner then and the stages skipped, with what a RevOps lead should do about it.
with manual_skips as (
    select * from {{ ref('dq_stage_progression') }}
    where flag_type = 'manual_skip'
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
        skipped_stage_count,
        skipped_stage_names,
        {{ dbt.concat([
            "'Manual skip: '",
            "coalesce(owner_name, owner_id, 'an unknown owner')",
            "'''s deal moved from '",
            "coalesce(from_stage_name, '(creation)')",
            "' to '",
            "to_stage_name",
            "' over '",
            "skipped_stage_names",
            "' on '",
            "cast(changed_date as " ~ dbt.type_string() ~ ")",
        ]) }} as failure_reason,
        what_to_do
    from manual_skips
)

select * from explained
