{#- One row per raw row of the HubSpot table deal_pipeline_stage, parsed, with its fate (row_status,
    quarantine_reason). -#}

with
{{ salesforce_typed_ctes('deal_pipeline_stage', source_name='hubspot') }},

checked as (
    select
        typed.*,
        coalesce(
            typed._parse_failure,
            {{ required_values_check([
                'typed.stage_id', 'typed.pipeline_id', 'typed.label', 'typed.display_order', 'typed.probability'
            ]) }}
        ) as _row_failure
    from typed
),

{{ salesforce_row_status_ctes('deal_pipeline_stage', 'checked', source_name='hubspot') }}

select * from classified
