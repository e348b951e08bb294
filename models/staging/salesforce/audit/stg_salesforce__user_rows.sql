{{ config(materialized='table') }}

with
{{ salesforce_typed_ctes('user') }},

checked as (
    select
        *,
        coalesce(_parse_failure, {{ required_values_check(['name']) }}) as _row_failure
    from typed
),

{{ salesforce_row_status_ctes('user', 'checked') }}

select * from classified
