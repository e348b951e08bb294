-- Every staged opportunity has exactly one 'created' transition, and it is transition 1.
-- A failing row is a deal with no creation, several, or a creation numbered otherwise.

with opportunities as (
    select opportunity_id from {{ ref('stg_crm__opportunities') }}
),

transitions as (
    select
        opportunity_id,
        transition_number,
        transition_type
    from {{ ref('int_stage_transitions') }}
),

creations as (
    select
        opportunities.opportunity_id,
        count(transitions.opportunity_id) as creation_count,
        min(transitions.transition_number) as first_creation_number,
        max(transitions.transition_number) as last_creation_number
    from opportunities
    left join transitions
        on
            opportunities.opportunity_id = transitions.opportunity_id
            and transitions.transition_type = 'created'
    group by opportunities.opportunity_id
)

select *
from creations
where
    creation_count <> 1
    or first_creation_number <> 1
    or last_creation_number <> 1
