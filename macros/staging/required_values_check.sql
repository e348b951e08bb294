{#- 'missing_required_value' when any of the columns is null, else null. -#}
{% macro required_values_check(columns) -%}
    case when {% for column in columns %}{{ column }} is null{{ ' or ' if not loop.last }}{% endfor %} then 'missing_required_value' end
{%- endmacro %}
