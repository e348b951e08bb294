{#- ISO 8601 text to a UTC timestamp (without time zone). Text with Z or a numeric offset
    (+0000, +02:00, -05) is converted exactly; text without one is read in the var
    crm_export_timezone (default UTC); a bare date is midnight. Unparseable text is null. -#}
{% macro parse_timestamp_utc(expression) -%}
    {{ return(adapter.dispatch('parse_timestamp_utc', 'revops_kpis')(expression)) }}
{%- endmacro %}

{% macro default__parse_timestamp_utc(expression) -%}
    {%- set timezone = var('crm_export_timezone') -%}
    case
        when {{ regexp_full_match(expression, '\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?)?') }}
            then {{ expression }}::timestamp at time zone '{{ timezone }}' at time zone 'UTC'
        when {{ regexp_full_match(expression, '\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)? ?([Zz]|[+-]\\d{2}(:?\\d{2})?)') }}
            then {{ expression }}::timestamptz at time zone 'UTC'
    end
{%- endmacro %}

{% macro duckdb__parse_timestamp_utc(expression) -%}
    {%- set timezone = var('crm_export_timezone') -%}
    case
        when {{ regexp_full_match(expression, '.*\\d{2}:\\d{2}(:\\d{2}(\\.\\d*)?)? ?([Zz]|[+-]\\d{2}(:?\\d{2})?)') }}
            then timezone('UTC', try_cast({{ expression }} as timestamptz))
        {%- if timezone | upper == 'UTC' %}
        else try_cast({{ expression }} as timestamp)
        {%- else %}
        else timezone('UTC', timezone('{{ timezone }}', try_cast({{ expression }} as timestamp)))
        {%- endif %}
    end
{%- endmacro %}
