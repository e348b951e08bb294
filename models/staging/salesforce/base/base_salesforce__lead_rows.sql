{% set happened_at = [('converted_date', 'date')] %}

with
{{ salesforce_typed_ctes(
    'lead', track_raw_rows=true,
    reparse_stored_where=future_timestamp_reparse_condition(happened_at, created_column='created_date')
) }},

checked as (
    select
        *,
        coalesce(
            _parse_failure,
            {{ required_values_check(['created_date'], 'lead') }},
            {{ future_timestamp_check('lead', happened_at=happened_at, created_column='created_date') }}
        ) as _row_failure
    from typed
),

{{ salesforce_row_status_ctes('lead', 'checked', track_raw_rows=true) }}

select * from classified
