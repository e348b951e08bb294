{#- 'implausible_amount' when any of the money columns is negative or above the var
    max_plausible_amount (in the record's own currency), else null. A blank amount is not
    checked here (required_values_check says whether it may be blank). -#}
{% macro implausible_amount_check(columns) -%}
    case
        when
            {%- for column in columns %}
            {{ 'or ' if not loop.first }}{{ column }} < 0 or {{ column }} > {{ var('max_plausible_amount') }}
            {%- endfor %}
            then 'implausible_amount'
    end
{%- endmacro %}
