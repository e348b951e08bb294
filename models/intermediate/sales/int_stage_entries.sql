{#- One row per opportunity per funnel stage: when the deal first entered it (null when
    never), and whether it skipped it (never entered an open stage although it later reached
    a stage beyond it; the lost stage, and a stage that is not is_skippable, are never
    skipped). -#}

with as_of as (
    select as_of from {{ ref('stg_crm__export_as_of') }}
),

transitions as (
    select * from {{ ref('int_stage_transitions') }}
),

funnel as (
    select * from {{ ref('stg_crm__stage_funnel') }}
),

opportunities as (
    {{ rows_up_to_as_of(ref('stg_crm__opportunities'), 'created_at', 'as_of') }}
),

first_entries as (
    select
        opportunity_id,
        to_stage_name as stage_name,
        min(changed_at) as first_entered_at
    from transitions
    group by opportunity_id, to_stage_name
),

furthest_progress as (
    select
        transitions.opportunity_id,
        max(transitions.to_stage_order) as furthest_stage_order
    from transitions
    inner join funnel
        on transitions.to_stage_name = funnel.stage_name
    where not (funnel.is_closed and not funnel.is_won)
    group by transitions.opportunity_id
),

entries as (
    select
        opportunities.opportunity_id,
        funnel.stage_name,
        funnel.stage_order,
        first_entries.first_entered_at,
        (
            first_entries.first_entered_at is null
            and not funnel.is_closed
            and funnel.is_skippable
            and coalesce(furthest_progress.furthest_stage_order, 0) > funnel.stage_order
        ) as is_skipped
    from opportunities
    cross join funnel
    left join first_entries
        on
            opportunities.opportunity_id = first_entries.opportunity_id
            and funnel.stage_name = first_entries.stage_name
    left join furthest_progress
        on opportunities.opportunity_id = furthest_progress.opportunity_id
)

select * from entries
