select
    object_name,
    raw_key,
    raw_row_number,
    quarantine_reason
from {{ crm_staged('quarantine') }}
