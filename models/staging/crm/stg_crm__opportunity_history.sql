select
    opportunity_history_id,
    opportunity_id,
    changed_by_user_id,
    changed_at,
    recorded_changed_at,
    is_before_creation,
    stage_name,
    recorded_stage_name,
    amount,
    close_date,
    probability_rate,
    forecast_category,
    change_source
from {{ crm_staged('opportunity_history') }}
