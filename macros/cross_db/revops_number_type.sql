{#- The column type of a numeric kind: 'amount' (money: exact decimal, 2 places),
    'integer' (bigint) or 'number' (8-byte floating point). -#}
{% macro revops_number_type(kind) -%}
    {%- if kind == 'amount' -%}
        decimal(18, 2)
    {%- elif kind == 'integer' -%}
        {{ dbt.type_bigint() }}
    {%- else -%}
        {{ type_double() }}
    {%- endif -%}
{%- endmacro %}
