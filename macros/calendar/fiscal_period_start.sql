{#- First day of the fiscal week, month, quarter or year that contains a date, on the fiscal
    calendar whose year starts in the month var('fiscal_year_start_month') (1 = January),
    or in `start_month` when given. Weeks start on the weekday var('week_start_day')
    (monday .. sunday), or `week_start_day` when given; a week belongs to the fiscal month, quarter and year of its first day
    (macro week_start_day_offset gives that weekday's distance from Monday). -#}
{% macro fiscal_period_start(date_expression, grain, start_month=none, week_start_day=none) -%}
    {%- set start_month = (var('fiscal_year_start_month') if start_month is none else start_month) | int -%}
    {%- if start_month < 1 or start_month > 12 -%}
        {{ exceptions.raise_compiler_error("The var fiscal_year_start_month must be 1..12, not " ~ start_month) }}
    {%- endif -%}
    {%- set month_start = 'cast(' ~ dbt.date_trunc('month', date_expression) ~ ' as date)' -%}
    {%- if grain == 'week' -%}
        {%- set offset = week_start_day_offset(week_start_day) -%}
        {%- if offset == 0 -%}
            cast({{ dbt.date_trunc('week', date_expression) }} as date)
        {%- else -%}
            {%- set shifted = 'cast(' ~ dbt.dateadd('day', -offset, 'cast(' ~ date_expression ~ ' as date)') ~ ' as date)' -%}
            cast({{ dbt.dateadd('day', offset, 'cast(' ~ dbt.date_trunc('week', shifted) ~ ' as date)') }} as date)
        {%- endif -%}
    {%- elif grain == 'month' -%}
        {{ month_start }}
    {%- elif grain in ('quarter', 'year') -%}
        {%- set length = 3 if grain == 'quarter' else 12 -%}
        {%- set months_back = '((cast(extract(month from ' ~ date_expression ~ ') as integer) - ' ~ start_month ~ ' + 12) % ' ~ length ~ ')' -%}
        cast({{ dbt.dateadd('month', '-1 * ' ~ months_back, month_start) }} as date)
    {%- else -%}
        {{ exceptions.raise_compiler_error("fiscal_period_start: grain must be week, month, quarter or year, not " ~ grain) }}
    {%- endif -%}
{%- endmacro %}

{#- Days from Monday to the weekday var('week_start_day') starts weeks on (monday = 0 ..
    sunday = 6), or of `day` when given; a compilation error names the accepted values for anything else. -#}
{% macro week_start_day_offset(day=none) -%}
    {%- set days = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] -%}
    {%- set day = ((var('week_start_day', 'monday') if day is none else day) | string | lower | trim) -%}
    {%- if day not in days -%}
        {{ exceptions.raise_compiler_error("The var week_start_day must be one of " ~ days | join(', ') ~ ", not '" ~ day ~ "'") }}
    {%- endif -%}
    {{ return(days.index(day)) }}
{%- endmacro %}
