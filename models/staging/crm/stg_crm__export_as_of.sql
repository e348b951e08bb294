select
    as_of,
    as_of_source,
    as_of_derived_from,
    export_clock
from {{ crm_staged('export_as_of') }}
