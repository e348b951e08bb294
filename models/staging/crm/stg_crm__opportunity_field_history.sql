select
    field_history_id,
    opportunity_id,
    changed_by_user_id,
    changed_at,
    recorded_changed_at,
    is_before_creation,
    field_name,
    old_value,
    new_value
from {{ crm_staged('opportunity_field_history') }}
