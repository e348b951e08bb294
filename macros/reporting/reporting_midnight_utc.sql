{#- The UTC timestamp of midnight at the start of a date in the reporting time zone (var
    reporting_timezone): the instant a period starting on that date begins. The inverse of
    to_reporting_date. -#}
{% macro reporting_midnight_utc(date_expression) -%}
    {{ return(adapter.dispatch('reporting_midnight_utc', 'revops_kpis')(date_expression)) }}
{%- endmacro %}

{% macro default__reporting_midnight_utc(date_expression) -%}
    {%- set timezone = var('reporting_timezone') -%}
    {%- if timezone | upper == 'UTC' -%}
        cast({{ date_expression }} as timestamp)
    {%- else -%}
        (cast({{ date_expression }} as timestamp) at time zone '{{ timezone }}' at time zone 'UTC')
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__reporting_midnight_utc(date_expression) -%}
    {%- set timezone = var('reporting_timezone') -%}
    {%- if timezone | upper == 'UTC' -%}
        cast({{ date_expression }} as timestamp)
    {%- else -%}
        timezone('UTC', timezone('{{ timezone }}', cast({{ date_expression }} as timestamp)))
    {%- endif -%}
{%- endmacro %}
