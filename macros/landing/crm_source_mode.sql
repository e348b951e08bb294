{#- Where the raw objects come from: the var crm_source_mode ('files' or 'warehouse'); unset
    (null), files when this project is the one dbt runs (the standalone project reads the demo
    or a user's export folder) and warehouse when it is installed as a package in another
    project (the host's loader tables, revops_salesforce_schema / revops_hubspot_schema). -#}
{% macro crm_source_mode() -%}
    {%- set configured = var('crm_source_mode', none) -%}
    {%- if configured is none or (configured | string | trim) == '' -%}
        {{ return('files' if project_name == 'revops_kpis' else 'warehouse') }}
    {%- endif -%}
    {{ return(configured | string | lower | trim) }}
{%- endmacro %}
