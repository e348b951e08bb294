{{ config(materialized='table') }}

with
{{ salesforce_typed_ctes('opportunity') }},

checked as (
    select
        typed.*,
        coalesce(
            typed._parse_failure,
            {{ required_values_check(['typed.owner_id', 'typed.stage_name', 'typed.created_date'], 'opportunity') }},
            {{ implausible_amount_check(['typed.amount']) }},
            {{ future_timestamp_check('opportunity', created_column='typed.created_date') }}
        ) as _row_failure
    from typed
),

{{ salesforce_row_status_ctes('opportunity', 'checked') }}

select * from classified
