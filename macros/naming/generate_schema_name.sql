{#- Layers land in schemas named after them (staging, intermediate, marts, ...), not
    '<target schema>_<layer>': BI tools and the docs name the same schema on every target.
    A model without a custom schema lands in the target's schema.

    Installed as a package in another project (the root project is not revops_kpis), dbt
    calls this macro for the package's own nodes, and a layer lands in
    '<target schema>_<var revops_schema_prefix><layer>' (analytics_revops_marts): dbt's own
    naming, with a prefix so that the package's tables never share a schema with the host's
    (dim_accounts, staging models). The host renames a layer with +schema
    (models: revops_kpis: marts: +schema: sales_kpis) and the prefix with the var
    ('' = plain '<target schema>_<layer>'). -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif project_name == 'revops_kpis' -%}
        {{ custom_schema_name | trim }}
    {%- else -%}
        {{ target.schema }}_{{ var('revops_schema_prefix', 'revops_') }}{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
