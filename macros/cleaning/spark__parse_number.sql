{#- Spark's parse_number (see parse_number.sql): Spark's cast gives null on overflow (ANSI mode
    off, as dbt-spark sets it), as DuckDB's try_cast does; beyond the largest double is
    +/-infinity. -#}
{% macro spark__parse_number(expression, kind='number') -%}
    {%- set pattern = '[+-]?\\d+' if kind == 'integer' else '[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?' -%}
    case
        when {{ regexp_full_match(expression, pattern) }}
            then cast({{ expression }} as {{ revops_number_type(kind) }})
    end
{%- endmacro %}
