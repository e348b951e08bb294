{#- CTE `stage_lookup` (lookup_key, stage_name): every key a recorded stage name may match in
    the funnel (its API name, and its label where the stage definitions carry one), mapped
    to the funnel's stage name. `funnel` names the caller's CTE of the funnel
    (stg_salesforce__stage_funnel), imported first. Join on stage_key(<recorded name>) =
    lookup_key. Every stage a parsed, not deleted opportunity or history row records is in the
    funnel, so such a row always finds its stage (the staged models test it: stage_name not
    null). -#}
{% macro stage_lookup_ctes(funnel) -%}
funnel_stage_keys as (
    select
        stage_key as lookup_key,
        stage_name
    from {{ funnel }}
    union all
    select
        label_key as lookup_key,
        stage_name
    from {{ funnel }}
    where label_key is not null
),

stage_lookup as (
    select
        lookup_key,
        min(stage_name) as stage_name
    from funnel_stage_keys
    group by lookup_key
)
{%- endmacro %}
