{#- One row per stage transition (see int_stage_transitions) with the deal's owner at the
    moment of the change and the owner's team: the rep the data-quality marts hold to account
    for a transition, whoever saved it (owner_at: a change saved before the deal's first
    ownership span starts, a history row stamped before the deal's creation time, goes to the
    owner at creation). -#}

with transitions as (
    select * from {{ ref('int_stage_transitions') }}
),

owners as (
    select * from {{ ref('int_opportunity_owners_historized') }}
),

reps as (
    select * from {{ ref('int_reps_identified') }}
),

owners_at_change as (
    select
        transitions.opportunity_id,
        transitions.transition_number,
        owners.owner_id
    from transitions
    left join owners
        on {{ owner_at('owners', 'transitions.opportunity_id', 'transitions.changed_at') }}
),

attributed as (
    select
        transitions.opportunity_id,
        transitions.transition_number,
        transitions.opportunity_history_id,
        transitions.from_stage_name,
        transitions.to_stage_name,
        transitions.from_stage_order,
        transitions.to_stage_order,
        transitions.changed_at,
        {{ to_reporting_date('transitions.changed_at') }} as changed_date,
        transitions.changed_by_user_id,
        transitions.change_source,
        transitions.transition_type,
        transitions.skipped_stage_count,
        transitions.skipped_stage_names,
        transitions.is_manual_skip,
        (
            transitions.skipped_stage_count > 0
            and transitions.change_source = 'automated'
            and not transitions.is_inferred_from_deal
        ) as is_automated_skip,
        transitions.is_batch_logged,
        transitions.is_unsupported_progression,
        transitions.is_inferred_from_deal,
        owners_at_change.owner_id,
        reps.rep_name as owner_name,
        reps.team_id,
        reps.team_name,
        coalesce(transitions.changed_by_user_id = owners_at_change.owner_id, false) as is_changed_by_owner
    from transitions
    inner join owners_at_change
        on
            transitions.opportunity_id = owners_at_change.opportunity_id
            and transitions.transition_number = owners_at_change.transition_number
    left join reps
        on owners_at_change.owner_id = reps.rep_id
)

select * from attributed
