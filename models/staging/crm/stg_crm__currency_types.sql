select
    currency_code,
    conversion_rate,
    decimal_places,
    is_active,
    is_corporate
from {{ crm_staged('currency_types') }}
