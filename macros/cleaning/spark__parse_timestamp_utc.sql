{#- Spark's parse_timestamp_utc (see parse_timestamp_utc.sql). Spark's cast reads ISO text with
    Z or any numeric offset (+02, +0200, +02:00) as the instant it names and text without one
    in the session time zone, and gives null for an impossible value (ANSI mode is off, as
    dbt-spark always sets it); fractions beyond microseconds are truncated, as in DuckDB; 24:00
    (the end of a day, which Spark does not read) is midnight of the next day, as in DuckDB and
    PostgreSQL. `timestamp` on Spark is an instant shown in the session time zone, which the
    profile sets to UTC, so the values are UTC wall-clock times as on the other engines. The
    text is checked first: Spark's cast also reads bare times ('10:00' is today). -#}
{% macro spark__parse_timestamp_utc(expression) -%}
    {%- set timezone = var('crm_export_timezone') -%}
    {%- set date_part = '\\d{4}-\\d{2}-\\d{2}' -%}
    {%- set time_part = '([T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d*)?)?)?' -%}
    {%- set end_of_day = '[T ]24:00(:00(\\.0*)?)?' -%}
    {%- set offset_part = ' ?([Zz]|[+-]\\d{2}(:?\\d{2})?)' -%}
    {%- set end_of_day_as_timestamp -%}
        (cast(regexp_replace({{ expression }}, '{{ end_of_day | replace('\\', '\\\\') }}', ' 00:00:00') as timestamp) + interval 1 day)
    {%- endset -%}
    case
        when {{ regexp_full_match(expression, date_part ~ end_of_day ~ offset_part) }}
            then {{ end_of_day_as_timestamp }}
        when {{ regexp_full_match(expression, date_part ~ time_part ~ offset_part) }}
            then cast({{ expression }} as timestamp)
        {%- for local_time in [end_of_day, time_part] %}
        when {{ regexp_full_match(expression, date_part ~ local_time) }} then
            {%- set local_timestamp = end_of_day_as_timestamp if loop.first else 'cast(' ~ expression ~ ' as timestamp)' %}
            {%- if timezone | upper == 'UTC' %}
            {{ local_timestamp }}
            {%- else %}
            to_utc_timestamp({{ local_timestamp }}, '{{ timezone }}')
            {%- endif %}
        {%- endfor %}
    end
{%- endmacro %}
