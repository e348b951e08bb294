{{ config(materialized='table') }}

{#- The ordered sales funnel of the one pipeline reported on (var hubspot_pipeline_id), one row
    per stage of deal_pipeline_stage. Order: the rank of display_order (0-based in HubSpot:
    only its rank is used), open stages 1..n, then won, then lost. Closed = is_closed, else the
    legacy closed_won (which means "closed": true for lost stages too, never "won"); won = a
    closed stage of probability 1. The forecast category is the project-owned
    stage_forecast_category's for the stage, as the label the project uses (Pipeline, Best
    Case, Commit, Closed, Omitted); a stage it does not list: Closed when won, Omitted when
    lost, Pipeline when open. Every stage is a definition (none inferred); a retired one
    (active false) is not skippable. -#}

with stage_rows as (
    select * from {{ ref('base_hubspot__deal_pipeline_stage_rows') }}
),

forecast_category_rows as (
    select * from {{ ref('base_hubspot__stage_forecast_category_rows') }}
),

pipeline_stages as (
    select
        stage_id,
        label,
        display_order,
        probability,
        coalesce(is_closed, closed_won, false) as is_closed,
        coalesce(active, true) as is_active
    from stage_rows
    where
        row_status = 'staged'
        and pipeline_id = '{{ var("hubspot_pipeline_id") }}'
),

forecast_categories as (
    select
        stage_id,
        {{ hubspot_forecast_category_label('forecast_category') }} as forecast_category
    from forecast_category_rows
    where
        row_status = 'staged'
        and pipeline_id = '{{ var("hubspot_pipeline_id") }}'
),

flagged as (
    select
        pipeline_stages.stage_id,
        pipeline_stages.label as stage_name,
        pipeline_stages.display_order,
        pipeline_stages.is_closed,
        pipeline_stages.is_active,
        pipeline_stages.probability as default_probability_rate,
        forecast_categories.forecast_category,
        coalesce(pipeline_stages.is_closed and pipeline_stages.probability = 1, false) as is_won
    from pipeline_stages
    left join forecast_categories
        on pipeline_stages.stage_id = forecast_categories.stage_id
),

ordered as (
    select
        stage_id,
        stage_name,
        {{ stage_key('stage_name') }} as stage_key,
        {{ stage_key('stage_name') }} as label_key,
        cast(row_number() over (
            order by
                case when not is_closed then 0 when is_won then 1 else 2 end,
                display_order,
                stage_id
        ) as integer) as stage_order,
        is_closed,
        is_won,
        is_active,
        default_probability_rate,
        coalesce(
            forecast_category,
            case when is_won then 'Closed' when is_closed then 'Omitted' else 'Pipeline' end
        ) as forecast_category,
        'stage_definitions' as funnel_source,
        false as is_inferred_stage,
        is_active as is_skippable
    from flagged
)

select * from ordered
