{#- Fractional days from one timestamp to another (negative when the second is earlier). -#}
{% macro days_between(start_timestamp, end_timestamp) -%}
    ({{ dbt.datediff(start_timestamp, end_timestamp, 'second') }} / 86400.0)
{%- endmacro %}
