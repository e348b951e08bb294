{#- One row per opportunity per stage visit: each time the deal entered a stage, until it
    left it (exited_at null while it is still there). days_in_stage is fractional; the
    current visit is measured up to the as-of time. -#}

with transitions as (
    select * from {{ ref('int_stage_transitions') }}
),

as_of as (
    select as_of from {{ ref('stg_crm__export_as_of') }}
),

visits as (
    select
        opportunity_id,
        to_stage_name as stage_name,
        to_stage_order as stage_order,
        transition_number as entered_by_transition_number,
        changed_at as entered_at,
        row_number() over (
            partition by opportunity_id, to_stage_name order by transition_number
        ) as visit_number,
        lead(changed_at) over (partition by opportunity_id order by transition_number) as exited_at
    from transitions
),

measured as (
    select
        visits.opportunity_id,
        visits.stage_name,
        visits.stage_order,
        cast(visits.visit_number as integer) as visit_number,
        visits.entered_by_transition_number,
        visits.entered_at,
        visits.exited_at,
        case
            when visits.exited_at is not null
                then {{ days_between('visits.entered_at', 'visits.exited_at') }}
            when as_of.as_of >= visits.entered_at
                then {{ days_between('visits.entered_at', 'as_of.as_of') }}
            else 0
        end as days_in_stage,
        visits.exited_at is null as is_current_visit
    from visits
    cross join as_of
)

select * from measured
