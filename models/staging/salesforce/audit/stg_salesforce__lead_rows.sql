with
{{ salesforce_typed_ctes('lead', track_raw_rows=true) }},

checked as (
    select
        *,
        coalesce(_parse_failure, {{ required_values_check(['created_date'], 'lead') }}) as _row_failure
    from typed
),

{{ salesforce_row_status_ctes('lead', 'checked', track_raw_rows=true) }}

select * from classified
