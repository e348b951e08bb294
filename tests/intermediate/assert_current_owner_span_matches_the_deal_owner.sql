{{ config(severity='warn') }}

-- The open ownership span of a deal names the deal's current owner (Opportunity.OwnerId):
-- owner changes replayed from field history must end where the deal is now. A failing row
-- is a deal whose replayed current owner differs, from a wrong ordering of the spans or an
-- export whose field history is out of step with its opportunities (hence a warning).

with opportunities as (
    select
        opportunity_id,
        owner_id
    from {{ ref('stg_crm__opportunities') }}
),

current_spans as (
    select
        opportunity_id,
        owner_id
    from {{ ref('int_opportunity_owners_historized') }}
    where valid_to is null
)

select
    opportunities.opportunity_id,
    opportunities.owner_id as deal_owner_id,
    current_spans.owner_id as current_span_owner_id
from opportunities
inner join current_spans
    on opportunities.opportunity_id = current_spans.opportunity_id
where opportunities.owner_id <> current_spans.owner_id
