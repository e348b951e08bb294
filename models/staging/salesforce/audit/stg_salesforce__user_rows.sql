with
{{ salesforce_typed_ctes('user', track_raw_rows=true) }},

checked as (
    select
        *,
        coalesce(_parse_failure, {{ required_values_check(['name']) }}) as _row_failure
    from typed
),

{{ salesforce_row_status_ctes('user', 'checked', track_raw_rows=true) }}

select * from classified
