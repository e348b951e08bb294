-- Every staged opportunity is, at the as-of time, in exactly one stage: it has exactly one
-- current visit. A failing row is a deal with none or several.

with opportunities as (
    select opportunity_id from {{ ref('stg_crm__opportunities') }}
),

visits as (
    select
        opportunity_id,
        is_current_visit
    from {{ ref('int_stage_visits') }}
),

current_visits as (
    select
        opportunities.opportunity_id,
        count(visits.opportunity_id) as current_visit_count
    from opportunities
    left join visits
        on
            opportunities.opportunity_id = visits.opportunity_id
            and visits.is_current_visit
    group by opportunities.opportunity_id
)

select *
from current_visits
where current_visit_count <> 1
