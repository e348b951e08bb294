{#- One row per raw row of the HubSpot table engagement_task, parsed, with its fate (row_status,
    quarantine_reason). -#}

with
{{ salesforce_typed_ctes('engagement_task', source_name='hubspot') }},

checked as (
    select
        typed.*,
        coalesce(
            typed._parse_failure,
            {{ required_values_check(['typed.engagement_id']) }},
            {{ future_timestamp_check(
                'engagement_task', created_column='typed.property_hs_createdate', source_name='hubspot'
            ) }}
        ) as _row_failure
    from typed
),

{{ salesforce_row_status_ctes('engagement_task', 'checked', source_name='hubspot') }}

select * from classified
