select
    lead_id,
    owner_id,
    created_at,
    lead_status,
    lead_source,
    is_converted,
    converted_date,
    converted_opportunity_id,
    converted_account_id
from {{ crm_staged('leads') }}
