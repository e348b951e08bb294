{{ config(materialized='table') }}

with
{{ salesforce_typed_ctes('dated_conversion_rate') }},

checked as (
    select
        *,
        coalesce(
            _parse_failure, {{ required_values_check(['iso_code', 'conversion_rate', 'start_date']) }}
        ) as _row_failure
    from typed
),

{{ salesforce_row_status_ctes('dated_conversion_rate', 'checked') }}

select * from classified
