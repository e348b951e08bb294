with
{{ salesforce_typed_ctes('dated_conversion_rate', track_raw_rows=true) }},

checked as (
    select
        *,
        coalesce(
            _parse_failure, {{ required_values_check(['iso_code', 'conversion_rate', 'start_date']) }}
        ) as _row_failure
    from typed
),

{{ salesforce_row_status_ctes('dated_conversion_rate', 'checked', track_raw_rows=true) }}

select * from classified
