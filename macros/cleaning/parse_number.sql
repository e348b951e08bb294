{#- Plain decimal text (12500.00, -3, 20, 1.5e3) to a number of the given type ('amount' =
    type_amount(), 'number' = double, 'integer' = bigint); anything else (thousands
    separators, currency signs, '12k') is null. -#}
{% macro parse_number(expression, kind='number') -%}
    {{ return(adapter.dispatch('parse_number', 'revops_kpis')(expression, kind)) }}
{%- endmacro %}

{#- PostgreSQL (and the default): its casts raise on overflow where DuckDB's try_cast gives
    null, so the value is first read as an unbounded numeric (exact, cannot fail on text the
    pattern matched; exponents are limited to three digits, beyond which numeric itself
    overflows) and range-checked: bigint range, decimal(18, 2) after rounding, and for
    doubles DuckDB's reading of out-of-range text: beyond the largest double is +/-infinity,
    below the smallest is 0. -#}
{% macro default__parse_number(expression, kind='number') -%}
    {%- set pattern = '[+-]?\\d+' if kind == 'integer' else '[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d{1,3})?' -%}
    {%- set exact = 'cast(' ~ expression ~ ' as numeric)' -%}
    case
        when {{ regexp_full_match(expression, pattern) }} then
            case
            {%- if kind == 'integer' %}
                when {{ exact }} between -9223372036854775808 and 9223372036854775807
                    then cast({{ expression }} as {{ revops_number_type(kind) }})
            {%- elif kind == 'amount' %}
                when abs(round({{ exact }}, 2)) < 10000000000000000
                    then cast({{ expression }} as {{ revops_number_type(kind) }})
            {%- else %}
                when abs({{ exact }}) > 1.7976931348623157e308
                    then cast(case when {{ exact }} > 0 then 'Infinity' else '-Infinity' end as {{ revops_number_type(kind) }})
                when abs({{ exact }}) < 4.9e-324 then cast(0 as {{ revops_number_type(kind) }})
                else cast({{ expression }} as {{ revops_number_type(kind) }})
            {%- endif %}
            end
    end
{%- endmacro %}

{% macro duckdb__parse_number(expression, kind='number') -%}
    {%- set pattern = '[+-]?\\d+' if kind == 'integer' else '[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?' -%}
    case
        when {{ regexp_full_match(expression, pattern) }}
            then try_cast({{ expression }} as {{ revops_number_type(kind) }})
    end
{%- endmacro %}
