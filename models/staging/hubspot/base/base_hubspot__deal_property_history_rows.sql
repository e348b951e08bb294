{#- One row per raw row of the HubSpot table deal_property_history, parsed, with its fate. A
    row follows its deal (parent_quarantined, unknown_opportunity: parent_opportunity_check). -#}

with
{{ salesforce_typed_ctes('deal_property_history', source_name='hubspot') }},

{{ hubspot_parent_deal_ctes() }},

checked as (
    select
        typed.*,
        coalesce(
            typed._parse_failure,
            {{ required_values_check(['typed.deal_id', 'typed.name', 'typed.timestamp']) }},
            {{ parent_opportunity_check('typed.deal_id') }},
            {{ future_timestamp_check(
                'deal_property_history', happened_at=[('typed.timestamp', 'timestamp')], source_name='hubspot'
            ) }}
        ) as _row_failure
    from typed
    left join parent_opportunities
        on typed.deal_id = parent_opportunities.opportunity_id
),

{{ salesforce_row_status_ctes('deal_property_history', 'checked', source_name='hubspot') }}

select * from classified
