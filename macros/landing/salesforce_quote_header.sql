{#- A raw column name (a file header or a loader's column) quoted as an identifier: double
    quotes in standard SQL, backticks on Spark (where "x" is a string). -#}
{% macro salesforce_quote_header(header) -%}
    {{ return(adapter.dispatch('salesforce_quote_header', 'revops_kpis')(header)) }}
{%- endmacro %}

{% macro default__salesforce_quote_header(header) -%}
    {{ return('"' ~ header | replace('"', '""') ~ '"') }}
{%- endmacro %}

{% macro spark__salesforce_quote_header(header) -%}
    {{ return('`' ~ header | replace('`', '``') ~ '`') }}
{%- endmacro %}
