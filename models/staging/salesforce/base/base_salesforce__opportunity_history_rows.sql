{{ config(materialized='table') }}

with
{{ salesforce_typed_ctes('opportunity_history') }},

{{ parent_opportunity_ctes() }},

checked as (
    select
        typed.*,
        coalesce(
            typed._parse_failure,
            {{ required_values_check(['typed.opportunity_id', 'typed.created_date', 'typed.stage_name']) }},
            {{ implausible_amount_check(['typed.amount']) }},
            {{ future_timestamp_check('opportunity_history', happened_at=[('typed.created_date', 'timestamp')]) }},
            {{ parent_opportunity_check('typed.opportunity_id') }}
        ) as _row_failure
    from typed
    left join parent_opportunities
        on typed.opportunity_id = parent_opportunities.opportunity_id
),

{{ salesforce_row_status_ctes('opportunity_history', 'checked') }}

select * from classified
