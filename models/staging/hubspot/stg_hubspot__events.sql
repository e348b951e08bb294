{#- One row per MEETING engagement, shaped as every CRM's events (stg_crm__events): starts at
    its meeting start time, else its timeline time (property_hs_timestamp); ends at its
    meeting end time, else when it starts. -#}

with engagements as (
    select * from {{ ref('stg_hubspot__engagements') }}
),

staged as (
    select
        engagement_id as event_id,
        contact_id as who_id,
        deal_id as what_id,
        company_id as account_id,
        owner_id,
        subject,
        'Meeting' as event_type,
        cast(null as {{ dbt.type_string() }}) as event_subtype,
        coalesce(meeting_started_at, happened_at) as started_at,
        coalesce(meeting_ended_at, meeting_started_at, happened_at) as ended_at,
        created_at,
        deal_association_count,
        contact_association_count
    from engagements
    where engagement_type = 'MEETING'
)

select * from staged
