with
{{ salesforce_typed_ctes('opportunity_field_history', track_raw_rows=true) }},

checked as (
    select
        *,
        coalesce(
            _parse_failure, {{ required_values_check(['opportunity_id', 'created_date', 'field']) }}
        ) as _row_failure
    from typed
),

{{ salesforce_row_status_ctes('opportunity_field_history', 'checked', track_raw_rows=true) }}

select * from classified
