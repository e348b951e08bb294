{{ config(materialized='table') }}

with
{{ salesforce_typed_ctes('opportunity_history') }},

{{ stage_lookup_ctes() }},

{{ parent_opportunity_ctes() }},

checked as (
    select
        typed.*,
        stage_lookup.stage_name as funnel_stage_name,
        coalesce(
            typed._parse_failure,
            {{ required_values_check(['typed.opportunity_id', 'typed.created_date', 'typed.stage_name']) }},
            {{ implausible_amount_check(['typed.amount']) }},
            {{ future_timestamp_check('opportunity_history', happened_at=[('typed.created_date', 'timestamp')]) }},
            {{ parent_opportunity_check('typed.opportunity_id') }}
        ) as _row_failure
    from typed
    left join stage_lookup
        on {{ stage_key('typed.stage_name') }} = stage_lookup.lookup_key
    left join parent_opportunities
        on typed.opportunity_id = parent_opportunities.opportunity_id
),

{{ salesforce_row_status_ctes('opportunity_history', 'checked', extra_columns=['funnel_stage_name']) }}

select * from classified
