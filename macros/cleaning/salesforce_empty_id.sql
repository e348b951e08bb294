{#- True when a text is Salesforce's empty id: fifteen zeros, or their 18-character form
    000000000000000AAA. Salesforce writes it where a lookup is blank (a user without a
    manager, a record without a parent); it means "none", never a record. -#}
{% macro salesforce_empty_id(expression) -%}
    {{ regexp_full_match(expression, '0{15}([Aa]{3})?') }}
{%- endmacro %}
