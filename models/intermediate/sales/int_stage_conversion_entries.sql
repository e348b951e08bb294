{#- The cohorts of stage conversion: one row per deal and open funnel stage it entered, at its
    first entry (the first transition into the stage): the owner then, the reporting day, whether
    the deal later entered any stage after it (any later transition, re-entries included; the lost
    stage does not count) and whether it is still open at the as-of time without having
    advanced. rpt_stage_conversion counts these rows per grain and period, and the stage
    conversion lever (int_lever_conversion) over all stages. -#}

with funnel as (
    select * from {{ ref('stg_crm__stage_funnel') }}
),

transitions as (
    select * from {{ ref('int_stage_transitions') }}
),

owners as (
    select * from {{ ref('int_opportunity_owners_historized') }}
),

open_stages as (
    select
        stage_name,
        stage_order
    from funnel
    where not is_closed
),

-- the deals open at the as-of time: their last stage change went to an open stage
last_transitions as (
    select
        opportunity_id,
        max(transition_number) as last_transition_number
    from transitions
    group by opportunity_id
),

open_deals as (
    select last_transitions.opportunity_id
    from last_transitions
    inner join transitions
        on
            last_transitions.opportunity_id = transitions.opportunity_id
            and last_transitions.last_transition_number = transitions.transition_number
    inner join funnel
        on transitions.to_stage_name = funnel.stage_name
    where not funnel.is_closed
),

first_entries as (
    select
        transitions.opportunity_id,
        transitions.to_stage_name as stage_name,
        min(transitions.transition_number) as entry_transition_number
    from transitions
    inner join open_stages
        on transitions.to_stage_name = open_stages.stage_name
    group by transitions.opportunity_id, transitions.to_stage_name
),

later_progress as (
    select
        first_entries.opportunity_id,
        first_entries.stage_name,
        entry.changed_at as first_entered_at,
        max(case when later_funnel.stage_name is not null then 1 else 0 end) as has_advanced,
        max(case when open_deals.opportunity_id is not null then 1 else 0 end) as is_open_at_as_of
    from first_entries
    inner join transitions as entry
        on
            first_entries.opportunity_id = entry.opportunity_id
            and first_entries.entry_transition_number = entry.transition_number
    left join transitions as later
        on
            first_entries.opportunity_id = later.opportunity_id
            and first_entries.entry_transition_number < later.transition_number
            and entry.to_stage_order < later.to_stage_order
    left join funnel as later_funnel
        on
            later.to_stage_name = later_funnel.stage_name
            and not (later_funnel.is_closed and not later_funnel.is_won)
    left join open_deals
        on first_entries.opportunity_id = open_deals.opportunity_id
    group by first_entries.opportunity_id, first_entries.stage_name, entry.changed_at
),

entered as (
    select
        later_progress.opportunity_id,
        later_progress.stage_name,
        later_progress.has_advanced,
        (1 - later_progress.has_advanced) * later_progress.is_open_at_as_of as is_still_open,
        owners.owner_id,
        {{ to_reporting_date('later_progress.first_entered_at') }} as entered_date
    from later_progress
    inner join owners
        on {{ owner_at('owners', 'later_progress.opportunity_id', 'later_progress.first_entered_at') }}
)

select * from entered
