select
    currency_code,
    conversion_rate,
    start_date,
    next_start_date
from {{ crm_staged('dated_conversion_rates') }}
