{#- Spark's reporting_midnight_utc (see reporting_midnight_utc.sql): timestamps are UTC
    wall-clock times (session time zone UTC), and to_utc_timestamp reads one as local time in
    the reporting time zone. -#}
{% macro spark__reporting_midnight_utc(date_expression) -%}
    {%- set timezone = var('reporting_timezone') -%}
    {%- if timezone | upper == 'UTC' -%}
        cast({{ date_expression }} as timestamp)
    {%- else -%}
        to_utc_timestamp(cast({{ date_expression }} as timestamp), '{{ timezone }}')
    {%- endif -%}
{%- endmacro %}
