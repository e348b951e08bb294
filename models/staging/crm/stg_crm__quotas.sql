select
    quota_id,
    owner_id,
    start_date,
    quota_amount,
    currency_code
from {{ crm_staged('quotas') }}
