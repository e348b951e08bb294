{#- One row per raw row of the HubSpot table contact, parsed, with its fate (row_status,
    quarantine_reason). A blank creation time quarantines the contact when the export has the
    column (a lead's response time starts there). -#}

with
{{ salesforce_typed_ctes('contact', source_name='hubspot') }},

checked as (
    select
        typed.*,
        coalesce(
            typed._parse_failure,
            {{ required_values_check(['typed.id']) }},
            {{ required_values_check(['typed.property_createdate'], 'contact', 'hubspot') }},
            {{ future_timestamp_check('contact', created_column='typed.property_createdate', source_name='hubspot') }}
        ) as _row_failure
    from typed
),

{{ salesforce_row_status_ctes('contact', 'checked', source_name='hubspot') }}

select * from classified
