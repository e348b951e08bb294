{#- Spark's to_reporting_date (see to_reporting_date.sql): from_utc_timestamp gives the local
    wall-clock time in the reporting time zone of a UTC timestamp (session time zone UTC). -#}
{% macro spark__to_reporting_date(timestamp_expression, timezone=none) -%}
    {%- set timezone = timezone or var('reporting_timezone') -%}
    {%- if timezone | upper == 'UTC' -%}
        cast({{ timestamp_expression }} as date)
    {%- else -%}
        cast(from_utc_timestamp({{ timestamp_expression }}, '{{ timezone }}') as date)
    {%- endif -%}
{%- endmacro %}
