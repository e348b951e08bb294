{#- First day of the fiscal month, quarter or year that contains a date, on the fiscal
    calendar whose year starts in the month var('fiscal_year_start_month') (1 = January),
    or in `start_month` when given. -#}
{% macro fiscal_period_start(date_expression, grain, start_month=none) -%}
    {%- set start_month = (var('fiscal_year_start_month') if start_month is none else start_month) | int -%}
    {%- if start_month < 1 or start_month > 12 -%}
        {{ exceptions.raise_compiler_error("The var fiscal_year_start_month must be 1..12, not " ~ start_month) }}
    {%- endif -%}
    {%- set month_start = 'cast(' ~ dbt.date_trunc('month', date_expression) ~ ' as date)' -%}
    {%- if grain == 'month' -%}
        {{ month_start }}
    {%- elif grain in ('quarter', 'year') -%}
        {%- set length = 3 if grain == 'quarter' else 12 -%}
        {%- set months_back = '((cast(extract(month from ' ~ date_expression ~ ') as integer) - ' ~ start_month ~ ' + 12) % ' ~ length ~ ')' -%}
        cast({{ dbt.dateadd('month', '-1 * ' ~ months_back, month_start) }} as date)
    {%- else -%}
        {{ exceptions.raise_compiler_error("fiscal_period_start: grain must be month, quarter or year, not " ~ grain) }}
    {%- endif -%}
{%- endmacro %}
