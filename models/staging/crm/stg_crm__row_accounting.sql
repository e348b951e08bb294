select
    object_name,
    raw_row_count,
    staged_row_count,
    deleted_row_count,
    duplicate_row_count,
    quarantined_row_count,
    excel_zero_date_row_count
from {{ crm_staged('row_accounting') }}
