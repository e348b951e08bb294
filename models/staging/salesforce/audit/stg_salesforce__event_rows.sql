with
{{ salesforce_typed_ctes('event', track_raw_rows=true) }},

checked as (
    select
        *,
        coalesce(
            _parse_failure,
            {{ required_values_check(['created_date']) }},
            {{ future_timestamp_check('event', created_column='created_date') }}
        ) as _row_failure
    from typed
),

{{ salesforce_row_status_ctes('event', 'checked', track_raw_rows=true) }}

select * from classified
