{{ config(materialized='table') }}

with
{{ salesforce_typed_ctes('task') }},

checked as (
    select
        *,
        coalesce(_parse_failure, {{ required_values_check(['created_date']) }}) as _row_failure
    from typed
),

{{ salesforce_row_status_ctes('task', 'checked') }}

select * from classified
