{#- Layers land in schemas named after them (staging, intermediate, marts, ...), not
    '<target schema>_<layer>': BI tools and the docs name the same schema on every target.
    A model without a custom schema lands in the target's schema. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
