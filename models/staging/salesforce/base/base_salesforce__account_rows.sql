with
{{ salesforce_typed_ctes(
    'account', track_raw_rows=true,
    reparse_stored_where=future_timestamp_reparse_condition([], created_column='created_date')
) }},

checked as (
    select
        *,
        coalesce(
            _parse_failure,
            {{ required_values_check(['name'], 'account') }},
            {{ future_timestamp_check('account', created_column='created_date') }}
        ) as _row_failure
    from typed
),

{{ salesforce_row_status_ctes('account', 'checked', track_raw_rows=true) }}

select * from classified
