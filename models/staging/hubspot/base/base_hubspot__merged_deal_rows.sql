{#- One row per raw row of the HubSpot table merged_deal, parsed, with its fate (row_status,
    quarantine_reason). -#}

with
{{ salesforce_typed_ctes('merged_deal', source_name='hubspot') }},

checked as (
    select
        typed.*,
        coalesce(
            typed._parse_failure,
            {{ required_values_check(['typed.deal_id', 'typed.merged_deal_id']) }}
        ) as _row_failure
    from typed
),

{{ salesforce_row_status_ctes('merged_deal', 'checked', source_name='hubspot') }}

select * from classified
