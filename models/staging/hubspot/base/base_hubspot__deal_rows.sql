{#- One row per raw row of the HubSpot table deal, parsed, with its fate. As for Salesforce,
    a blank owner quarantines a deal when the export has the column (every deal then has an
    owner; without the column, deals count for the company alone). Besides the boundary's
    checks, a deal is quarantined when it was merged into another (merged_deal),
    belongs to another pipeline than the one reported on (other_pipeline, var
    hubspot_pipeline_id) or sits in a stage that pipeline does not define (unknown_stage). -#}

with
{{ salesforce_typed_ctes('deal', source_name='hubspot') }},

pipeline_stages as (
    select stage_id
    from {{ ref('base_hubspot__deal_pipeline_stage_rows') }}
    where
        row_status = 'staged'
        and pipeline_id = '{{ var("hubspot_pipeline_id") }}'
),

merged_deals as (
    select distinct merged_deal_id
    from {{ ref('base_hubspot__merged_deal_rows') }}
    where row_status = 'staged'
),

checked as (
    select
        typed.*,
        coalesce(
            typed._parse_failure,
            {{ required_values_check([
                'typed.deal_id', 'typed.deal_pipeline_id', 'typed.deal_pipeline_stage_id', 'typed.property_createdate'
            ]) }},
            {{ required_values_check(['typed.owner_id'], 'deal', 'hubspot') }},
            {{ implausible_amount_check(['typed.property_amount']) }},
            case when merged_deals.merged_deal_id is not null then 'merged_deal' end,
            case when typed.deal_pipeline_id <> '{{ var("hubspot_pipeline_id") }}' then 'other_pipeline' end,
            case when pipeline_stages.stage_id is null then 'unknown_stage' end,
            {{ future_timestamp_check('deal', created_column='typed.property_createdate', source_name='hubspot') }}
        ) as _row_failure
    from typed
    left join merged_deals
        on typed.deal_id = merged_deals.merged_deal_id
    left join pipeline_stages
        on typed.deal_pipeline_stage_id = pipeline_stages.stage_id
),

{{ salesforce_row_status_ctes('deal', 'checked', source_name='hubspot') }}

select * from classified
