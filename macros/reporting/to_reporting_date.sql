{#- The calendar date of a UTC timestamp in the reporting time zone (var reporting_timezone):
    periods are cut on local dates, so a deal won at 23:30 New York time on March 31 is a
    March deal for a New York team. `timezone` names another zone for the same rule (HubSpot's
    close dates: the portal's, var hubspot_portal_time_zone). -#}
{% macro to_reporting_date(timestamp_expression, timezone=none) -%}
    {{ return(adapter.dispatch('to_reporting_date', 'revops_kpis')(timestamp_expression, timezone)) }}
{%- endmacro %}

{% macro default__to_reporting_date(timestamp_expression, timezone=none) -%}
    {%- set timezone = timezone or var('reporting_timezone') -%}
    {%- if timezone | upper == 'UTC' -%}
        cast({{ timestamp_expression }} as date)
    {%- else -%}
        cast(({{ timestamp_expression }} at time zone 'UTC') at time zone '{{ timezone }}' as date)
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__to_reporting_date(timestamp_expression, timezone=none) -%}
    {%- set timezone = timezone or var('reporting_timezone') -%}
    {%- if timezone | upper == 'UTC' -%}
        cast({{ timestamp_expression }} as date)
    {%- else -%}
        cast(timezone('{{ timezone }}', timezone('UTC', {{ timestamp_expression }})) as date)
    {%- endif -%}
{%- endmacro %}
