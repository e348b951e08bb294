{#- One row per raw row of the HubSpot table deal_stage (one row per stage entry), parsed,
    with its fate. A row follows its deal (parent_quarantined, unknown_opportunity:
    parent_opportunity_check) and names a stage of the pipeline reported on (else
    unknown_stage). -#}

with
{{ salesforce_typed_ctes('deal_stage', source_name='hubspot') }},

{{ hubspot_parent_deal_ctes() }},

pipeline_stages as (
    select stage_id
    from {{ ref('base_hubspot__deal_pipeline_stage_rows') }}
    where
        row_status = 'staged'
        and pipeline_id = '{{ var("hubspot_pipeline_id") }}'
),

checked as (
    select
        typed.*,
        coalesce(
            typed._parse_failure,
            {{ required_values_check(['typed.deal_id', 'typed.value', 'typed.date_entered']) }},
            {{ parent_opportunity_check('typed.deal_id') }},
            case when pipeline_stages.stage_id is null then 'unknown_stage' end,
            {{ future_timestamp_check(
                'deal_stage', happened_at=[('typed.date_entered', 'timestamp')], source_name='hubspot'
            ) }}
        ) as _row_failure
    from typed
    left join parent_opportunities
        on typed.deal_id = parent_opportunities.opportunity_id
    left join pipeline_stages
        on typed.value = pipeline_stages.stage_id
),

{{ salesforce_row_status_ctes('deal_stage', 'checked', source_name='hubspot') }}

select * from classified
