with
{{ salesforce_typed_ctes('currency_type', track_raw_rows=true) }},

checked as (
    select
        *,
        coalesce(
            _parse_failure, {{ required_values_check(['iso_code', 'conversion_rate', 'is_corporate']) }}
        ) as _row_failure
    from typed
),

{{ salesforce_row_status_ctes('currency_type', 'checked', track_raw_rows=true) }}

select * from classified
