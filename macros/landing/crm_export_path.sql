{#- The export folder: the var crm_export_path, else the env var CRM_EXPORT_PATH, else the
    demo export shipped with the project. Relative paths are relative to the project root
    (dbt runs from there). -#}
{% macro crm_export_path() -%}
    {%- set path = var('crm_export_path', env_var('CRM_EXPORT_PATH', 'data/demo_export')) | string | trim -%}
    {%- if path | length > 1 -%}
        {%- set path = path.rstrip('/') -%}
    {%- endif -%}
    {{- return(path) -}}
{%- endmacro %}
