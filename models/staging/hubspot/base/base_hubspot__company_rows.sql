{#- One row per raw row of the HubSpot table company, parsed, with its fate (row_status,
    quarantine_reason). -#}

with
{{ salesforce_typed_ctes('company', source_name='hubspot') }},

checked as (
    select
        typed.*,
        coalesce(
            typed._parse_failure,
            {{ required_values_check(['typed.id']) }},
            {{ future_timestamp_check('company', created_column='typed.property_createdate', source_name='hubspot') }}
        ) as _row_failure
    from typed
),

{{ salesforce_row_status_ctes('company', 'checked', source_name='hubspot') }}

select * from classified
