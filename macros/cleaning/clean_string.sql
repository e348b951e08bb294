{#- Trims a text value and turns blanks and the literal 'null' (any case) into null. -#}
{% macro clean_string(expression) -%}
    case when lower(trim({{ expression }})) in ('', 'null') then null else trim({{ expression }}) end
{%- endmacro %}
