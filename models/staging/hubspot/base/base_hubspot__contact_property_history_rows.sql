{#- One row per raw row of the HubSpot table contact_property_history, parsed, with its fate (row_status,
    quarantine_reason). -#}

with
{{ salesforce_typed_ctes('contact_property_history', source_name='hubspot') }},

checked as (
    select
        typed.*,
        coalesce(
            typed._parse_failure,
            {{ required_values_check(['typed.contact_id', 'typed.name', 'typed.timestamp']) }},
            {{ future_timestamp_check(
                'contact_property_history', happened_at=[('typed.timestamp', 'timestamp')], source_name='hubspot'
            ) }}
        ) as _row_failure
    from typed
),

{{ salesforce_row_status_ctes('contact_property_history', 'checked', source_name='hubspot') }}

select * from classified
