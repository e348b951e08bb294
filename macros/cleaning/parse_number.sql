{#- Plain decimal text (12500.00, -3, 20, 1.5e3) to a number of the given type ('amount' =
    type_amount(), 'number' = double, 'integer' = bigint); anything else (thousands
    separators, currency signs, '12k') is null. -#}
{% macro parse_number(expression, kind='number') -%}
    {{ return(adapter.dispatch('parse_number', 'revops_kpis')(expression, kind)) }}
{%- endmacro %}

{% macro default__parse_number(expression, kind='number') -%}
    {%- set pattern = '[+-]?\\d+' if kind == 'integer' else '[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?' -%}
    case
        when {{ regexp_full_match(expression, pattern) }}
            then cast({{ expression }} as {{ revops_number_type(kind) }})
    end
{%- endmacro %}

{% macro duckdb__parse_number(expression, kind='number') -%}
    {%- set pattern = '[+-]?\\d+' if kind == 'integer' else '[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?' -%}
    case
        when {{ regexp_full_match(expression, pattern) }}
            then try_cast({{ expression }} as {{ revops_number_type(kind) }})
    end
{%- endmacro %}
