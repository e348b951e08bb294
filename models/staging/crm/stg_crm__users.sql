select
    user_id,
    user_name,
    is_active,
    user_type,
    user_role_id,
    title,
    is_automation_user,
    team_id,
    team_name,
    led_team_id
from {{ crm_staged('users') }}
