{% set happened_at = [('completed_date_time', 'timestamp')] %}

with
{{ salesforce_typed_ctes(
    'task', track_raw_rows=true,
    reparse_stored_where=future_timestamp_reparse_condition(happened_at)
) }},

checked as (
    select
        *,
        coalesce(
            _parse_failure,
            {{ required_values_check(['created_date']) }},
            {{ future_timestamp_check('task', happened_at=happened_at, created_column='created_date') }}
        ) as _row_failure
    from typed
),

{{ salesforce_row_status_ctes('task', 'checked', track_raw_rows=true) }}

select * from classified
