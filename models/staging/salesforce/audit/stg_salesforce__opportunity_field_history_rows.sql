{{ config(materialized='table') }}

with
{{ salesforce_typed_ctes('opportunity_field_history') }},

checked as (
    select
        *,
        coalesce(
            _parse_failure, {{ required_values_check(['opportunity_id', 'created_date', 'field']) }}
        ) as _row_failure
    from typed
),

{{ salesforce_row_status_ctes('opportunity_field_history', 'checked') }}

select * from classified
