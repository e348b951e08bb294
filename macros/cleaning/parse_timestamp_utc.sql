{#- ISO 8601 text to a UTC timestamp (without time zone). Text with Z or a numeric offset
    (+0000, +02:00, -05) is converted exactly; text without one is read in the var
    crm_export_timezone (default UTC); a bare date is midnight. Unparseable text is null. -#}
{% macro parse_timestamp_utc(expression) -%}
    {{ return(adapter.dispatch('parse_timestamp_utc', 'revops_kpis')(expression)) }}
{%- endmacro %}

{#- PostgreSQL (and the default): its casts raise on an impossible value where DuckDB's
    try_cast gives null, so the text is checked first, without a cast that can fail: the
    regular expressions admit only real times (hour 0..23 or 24:00:00, minute and second
    0..59, offsets up to 15:59, as PostgreSQL accepts them), iso_date_is_valid the calendar
    day. The same spellings as DuckDB's reader for ISO text: 'T' or a space, optional seconds
    and fraction, 'Z' or +HH, +HHMM, +HH:MM straight after the time; fractions beyond
    microseconds are truncated, as DuckDB does (PostgreSQL would round). Nested cases:
    PostgreSQL evaluates `and` in any order, a case in order. -#}
{% macro default__parse_timestamp_utc(expression) -%}
    {%- set timezone = var('crm_export_timezone') -%}
    {%- set date_part = '\\d{4}-\\d{2}-\\d{2}' -%}
    {%- set time_part = '[T ](([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d*)?)?|24:00(:00(\\.0*)?)?)' -%}
    {%- set offset_part = '(Z|[+-](0\\d|1[0-5])(:?[0-5]\\d)?)' -%}
    {%- set microseconds = "regexp_replace(" ~ expression ~ ", '(\\.\\d{6})\\d+', '\\1')" -%}
    case
        when {{ regexp_full_match(expression, date_part ~ '(' ~ time_part ~ ')?') }} then
            case
                when {{ iso_date_is_valid(expression) }} then
                {%- if timezone | upper == 'UTC' %}
                    cast({{ microseconds }} as timestamp)
                {%- else %}
                    cast({{ microseconds }} as timestamp) at time zone '{{ timezone }}' at time zone 'UTC'
                {%- endif %}
            end
        when {{ regexp_full_match(expression, date_part ~ time_part ~ offset_part) }} then
            case
                when {{ iso_date_is_valid(expression) }}
                    then cast({{ microseconds }} as timestamp with time zone) at time zone 'UTC'
            end
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
