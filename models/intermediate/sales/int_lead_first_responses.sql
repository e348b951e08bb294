{#- One row per lead created by the as-of time (a lead the export does not date is kept): its
    owner when a user owns it (owner_id, the rep), else the queue holding it (queue_id: a Group
    id, prefix 00G; a queue is not a rep, so the lead counts for the company alone), when it was
    created and when someone first logged an activity against it (any user, at or after
    creation), in minutes; leads never touched are kept with nulls and is_untouched. -#}

with as_of as (
    select as_of from {{ ref('stg_crm__export_as_of') }}
),

leads as (
    {{ rows_up_to_as_of(ref('stg_crm__leads'), 'created_at', 'as_of', keep_undated=true) }}
),

interactions as (
    select * from {{ ref('int_interactions_unified') }}
),

first_touches as (
    select
        leads.lead_id,
        min(interactions.occurred_at) as first_response_at
    from leads
    inner join interactions
        on
            leads.lead_id = interactions.lead_id
            and leads.created_at <= interactions.occurred_at
    group by leads.lead_id
),

responses as (
    select
        leads.lead_id,
        case when leads.owner_id not like '00G%' then leads.owner_id end as owner_id,
        case when leads.owner_id like '00G%' then leads.owner_id end as queue_id,
        leads.created_at,
        leads.lead_source,
        first_touches.first_response_at,
        {{ days_between('leads.created_at', 'first_touches.first_response_at') }} * 1440 as first_response_minutes,
        first_touches.first_response_at is null as is_untouched
    from leads
    left join first_touches
        on leads.lead_id = first_touches.lead_id
)

select * from responses
