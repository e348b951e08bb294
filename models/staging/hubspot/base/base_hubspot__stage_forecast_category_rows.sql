{#- One row per raw row of the HubSpot table stage_forecast_category, parsed, with its fate (row_status,
    quarantine_reason). -#}

with
{{ salesforce_typed_ctes('stage_forecast_category', source_name='hubspot') }},

checked as (
    select
        typed.*,
        coalesce(
            typed._parse_failure,
            {{ required_values_check(['typed.pipeline_id', 'typed.stage_id', 'typed.forecast_category']) }}
        ) as _row_failure
    from typed
),

{{ salesforce_row_status_ctes('stage_forecast_category', 'checked', source_name='hubspot') }}

select * from classified
