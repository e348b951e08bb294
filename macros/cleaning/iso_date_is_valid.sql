{#- True when the ISO date at the start of a text (YYYY-MM-DD, already matched by a regular
    expression, so the fixed positions hold digits) names a real calendar day: month 1..12,
    day within the month (29 February in leap years only), year 1 or later. Portable SQL,
    no cast that can fail: the default (PostgreSQL) parsing macros test it before casting,
    because PostgreSQL's casts raise on 2025-02-30 where DuckDB's try_cast gives null.
    Evaluate it only on text the regular expression matched (inside a case). -#}
{% macro iso_date_is_valid(expression) -%}
    {%- set year = 'cast(substring(' ~ expression ~ ' from 1 for 4) as integer)' -%}
    {%- set month = 'cast(substring(' ~ expression ~ ' from 6 for 2) as integer)' -%}
    {%- set day = 'cast(substring(' ~ expression ~ ' from 9 for 2) as integer)' -%}
    (
        {{ year }} >= 1
        and {{ month }} between 1 and 12
        and {{ day }} between 1 and case
            when {{ month }} in (4, 6, 9, 11) then 30
            when {{ month }} <> 2 then 31
            when {{ year }} % 4 = 0 and ({{ year }} % 100 <> 0 or {{ year }} % 400 = 0) then 29
            else 28
        end
    )
{%- endmacro %}
