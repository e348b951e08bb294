{#- One row per flagged stage transition and flag: a transition with several flags (a manual
    skip that was also batch-logged) has one row per flag. Who made the change, who owned the
    deal then (and their team), when, from and to which stage, what was skipped, and what a
    RevOps lead should do about it. Definitions: docs blocks dq_flag_type, manual_skip,
    batch_logging, unsupported_progression. -#}

with transitions as (
    select * from {{ ref('int_stage_transitions_attributed') }}
),

flag_types as (
    select 'manual_skip' as flag_type
    union all
    select 'automated_skip' as flag_type
    union all
    select 'backward' as flag_type
    union all
    select 'reopen' as flag_type
    union all
    select 'batch_logged' as flag_type
    union all
    select 'unsupported_progression' as flag_type
),

-- one row per transition and flag it carries
flags_exploded as (
    select
        transitions.*,
        flag_types.flag_type
    from transitions
    inner join flag_types
        on
            (flag_types.flag_type = 'manual_skip' and transitions.is_manual_skip)
            or (flag_types.flag_type = 'automated_skip' and transitions.is_automated_skip)
            or (flag_types.flag_type = 'backward' and transitions.transition_type = 'backward')
            or (flag_types.flag_type = 'reopen' and transitions.transition_type = 'reopen')
            or (flag_types.flag_type = 'batch_logged' and transitions.is_batch_logged)
            or (
                flag_types.flag_type = 'unsupported_progression'
                and coalesce(transitions.is_unsupported_progression, false)
            )
),

explained as (
    select
        opportunity_id,
        transition_number,
        cast(flag_type as {{ dbt.type_string() }}) as flag_type,
        opportunity_history_id,
        changed_at,
        changed_date,
        changed_by_user_id,
        change_source,
        is_changed_by_owner,
        owner_id,
        owner_name,
        team_id,
        team_name,
        transition_type,
        from_stage_name,
        to_stage_name,
        skipped_stage_count,
        skipped_stage_names,
        cast(case flag_type
            when 'manual_skip'
                then
                    'Ask the rep why the deal jumped over the skipped stages before reading their stage conversion '
                    || 'and time in stage: if the stages really happened, have them backfilled; if the deal truly '
                    || 'skipped them, check the qualification.'
            when 'automated_skip'
                then
                    'Not the rep''s doing: ask the admin which integration or workflow (changed_by_user_id) moved '
                    || 'the deal over stages, and fix its stage mapping; until then read stage conversion of these '
                    || 'deals with care.'
            when 'backward'
                then
                    'Ask the rep whether the buyer really went back a step or the earlier stage was set too early; '
                    || 'frequent backward moves mean the stage exit criteria need clarifying.'
            when 'reopen'
                then
                    'Check why a closed deal was reopened: a reopened win changes bookings already reported, and a '
                    || 'revived loss is usually a new opportunity. Agree one rule with the rep''s manager.'
            when 'batch_logged'
                then
                    'Several stage changes were saved within {{ var("batch_logging_window_minutes") }} minutes: the '
                    || 'stage dates are when they were typed, not when they happened, so do not trust time in stage '
                    || 'for this deal; ask the rep to update stages as the deal moves.'
            when 'unsupported_progression'
                then
                    'The deal moved up with no call, email or meeting logged in the '
                    || '{{ var("unsupported_progression_window_days") }} days before: ask the rep what buyer '
                    || 'action justified the move and to log it, or move the deal back.'
        end as {{ dbt.type_string() }}) as what_to_do
    from flags_exploded
)

{{ select_contract_columns('explained') }}
