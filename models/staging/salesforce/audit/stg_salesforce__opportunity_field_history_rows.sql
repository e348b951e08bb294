{% set happened_at = [('created_date', 'timestamp')] %}

with
{{ salesforce_typed_ctes(
    'opportunity_field_history', track_raw_rows=true,
    reparse_stored_where=future_timestamp_reparse_condition(happened_at)
) }},

checked as (
    select
        *,
        coalesce(
            _parse_failure,
            {{ required_values_check(['opportunity_id', 'created_date', 'field']) }},
            {{ future_timestamp_check('opportunity_field_history', happened_at=happened_at) }}
        ) as _row_failure
    from typed
),

{{ salesforce_row_status_ctes('opportunity_field_history', 'checked', track_raw_rows=true) }}

select * from classified
