select
    task_id,
    who_id,
    what_id,
    account_id,
    owner_id,
    subject,
    task_type,
    task_subtype,
    task_status,
    activity_date,
    created_at,
    completed_at,
    call_duration_seconds
from {{ crm_staged('tasks') }}
