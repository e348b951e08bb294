{#- The var corporate_currency as a SQL string literal, written the way staging writes every
    currency code (trimmed, upper case: ' eur' is 'EUR'), so that every model compares codes
    the same way. Every model reads the var through this macro. -#}
{% macro corporate_currency() -%}
    '{{ var("corporate_currency") | string | trim | upper | replace("'", "''") }}'
{%- endmacro %}
