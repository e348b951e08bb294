select
    account_id,
    account_name,
    owner_id,
    created_at,
    industry,
    account_type
from {{ crm_staged('accounts') }}
