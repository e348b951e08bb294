{#- Spark's parse_date (see parse_date.sql): Spark's cast gives null for an impossible day
    (ANSI mode off, as dbt-spark sets it). -#}
{% macro spark__parse_date(expression) -%}
    case
        when {{ regexp_full_match(expression, '\\d{4}-\\d{2}-\\d{2}([T ].*)?') }}
            then cast(substring({{ expression }}, 1, 10) as date)
    end
{%- endmacro %}
