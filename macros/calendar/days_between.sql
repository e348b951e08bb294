{#- Fractional days from one timestamp to another (negative when the second is earlier), as
    a double: divided as a floating-point number on every engine (Spark would otherwise divide
    its whole seconds by a decimal literal and keep 7 decimal places). -#}
{% macro days_between(start_timestamp, end_timestamp) -%}
    (cast({{ dbt.datediff(start_timestamp, end_timestamp, 'second') }} as {{ type_double() }}) / 86400)
{%- endmacro %}
