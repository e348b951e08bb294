{#- One row per CALL, EMAIL or TASK engagement, shaped as every CRM's tasks (stg_crm__tasks).
    A call or email happened at its timeline time (property_hs_timestamp: completed_at). A
    TASK engagement is a to-do: with engagement_task's status COMPLETED it happened at its
    timeline time (completed_at); any other status (NOT_STARTED, IN_PROGRESS, WAITING,
    DEFERRED) is an open task, a plan (no completed_at); without a status (no engagement_task
    row, a v1 connector) it counts at its creation, as a Salesforce task without a status. Call duration:
    HubSpot records milliseconds; seconds here, rounded to the nearest. -#}

with engagements as (
    select * from {{ ref('stg_hubspot__engagements') }}
),

staged as (
    select
        engagement_id as task_id,
        contact_id as who_id,
        deal_id as what_id,
        company_id as account_id,
        owner_id,
        subject,
        case engagement_type when 'CALL' then 'Call' when 'EMAIL' then 'Email' else 'Other' end as task_type,
        case engagement_type when 'CALL' then 'Call' when 'EMAIL' then 'Email' else 'Task' end as task_subtype,
        case
            when engagement_type = 'TASK' and status is null then null
            when upper(status) in ('COMPLETED', 'SENT') or status is null then 'Completed'
            else status
        end as task_status,
        cast(happened_at as date) as activity_date,
        created_at,
        case
            when engagement_type in ('CALL', 'EMAIL') or upper(status) = 'COMPLETED' then happened_at
        end as completed_at,
        cast(round(call_duration_milliseconds / 1000.0, 0) as {{ dbt.type_bigint() }}) as call_duration_seconds,
        deal_association_count,
        contact_association_count
    from engagements
    where engagement_type in ('CALL', 'EMAIL', 'TASK')
)

select * from staged
