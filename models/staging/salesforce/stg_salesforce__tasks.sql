with task_rows as (
    select * from {{ ref('base_salesforce__task_rows') }}
),

staged as (
    select
        id as task_id,
        who_id,
        what_id,
        account_id,
        owner_id,
        subject,
        type as task_type,
        task_subtype,
        status as task_status,
        activity_date,
        created_date as created_at,
        completed_date_time as completed_at,
        call_duration_in_seconds as call_duration_seconds
    from task_rows
    where row_status = 'staged'
)

select * from staged
