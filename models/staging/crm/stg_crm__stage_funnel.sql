select
    stage_name,
    stage_key,
    label_key,
    stage_order,
    is_closed,
    is_won,
    is_active,
    default_probability_rate,
    forecast_category,
    funnel_source,
    is_inferred_stage,
    is_skippable
from {{ crm_staged('stage_funnel') }}
