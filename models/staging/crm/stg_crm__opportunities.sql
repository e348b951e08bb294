select
    opportunity_id,
    {%- for column in opportunity_pass_through_columns() %}
    {{ column.alias }},
    {%- endfor %}
    account_id,
    owner_id,
    opportunity_name,
    stage_name,
    amount,
    currency_code,
    close_date,
    created_at,
    is_closed,
    is_won,
    forecast_category,
    opportunity_type,
    lead_source,
    probability_rate,
    loss_reason
from {{ crm_staged('opportunities') }}
