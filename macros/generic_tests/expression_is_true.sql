{#- Fails on every row where the boolean expression is not true (false or null). Usable on
    a model or on a column (the column is then only a label). -#}
{% test expression_is_true(model, expression, column_name=none) %}

select *
from {{ model }}
where not coalesce({{ expression }}, false)

{% endtest %}
