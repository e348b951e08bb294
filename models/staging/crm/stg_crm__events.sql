select
    event_id,
    who_id,
    what_id,
    account_id,
    owner_id,
    subject,
    event_type,
    event_subtype,
    started_at,
    ended_at,
    created_at
from {{ crm_staged('events') }}
