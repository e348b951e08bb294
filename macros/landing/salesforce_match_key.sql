{#- The key headers are matched on: lower case, without underscores and spaces, so
    StageName, stage_name and Stage_Name all match (Python twin: export_spec.match_key). -#}
{% macro salesforce_match_key(header) -%}
    {{- return(header | lower | replace('_', '') | replace(' ', '')) -}}
{%- endmacro %}
