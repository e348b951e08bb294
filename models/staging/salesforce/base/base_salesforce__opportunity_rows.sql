{{ config(materialized='table') }}

with
{{ salesforce_typed_ctes('opportunity') }},

{{ stage_lookup_ctes() }},

checked as (
    select
        typed.*,
        stage_lookup.stage_name as funnel_stage_name,
        coalesce(
            typed._parse_failure,
            {{ required_values_check(['typed.owner_id', 'typed.stage_name', 'typed.created_date'], 'opportunity') }},
            {{ implausible_amount_check(['typed.amount']) }},
            {{ future_timestamp_check('opportunity', created_column='typed.created_date') }}
        ) as _row_failure
    from typed
    left join stage_lookup
        on {{ stage_key('typed.stage_name') }} = stage_lookup.lookup_key
),

{{ salesforce_row_status_ctes('opportunity', 'checked', extra_columns=['funnel_stage_name']) }}

select * from classified
