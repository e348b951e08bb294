{#- One row per stage transition (see int_stage_transitions) with the deal's owner at the
    moment of the change and the owner's team: the rep the data-quality marts hold to account
    for a transition, whoever saved it. A change saved before the deal's first ownership span
    starts (a history row stamped before the deal's creation time) goes to the first owner. -#}

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
        coalesce(owner_then.owner_id, first_owner.owner_id) as owner_id
    from transitions
    left join owners as owner_then
        on
            transitions.opportunity_id = owner_then.opportunity_id
            and transitions.changed_at >= owner_then.valid_from
            and (owner_then.valid_to is null or transitions.changed_at < owner_then.valid_to)
    left join owners as first_owner
        on
            transitions.opportunity_id = first_owner.opportunity_id
            and first_owner.ownership_number = 1
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
