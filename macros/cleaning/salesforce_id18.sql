{#- A Salesforce id in its 18-character, case-insensitive form. A 15-character id gets the
    standard 3-character suffix: for each 5-character chunk, bit i is set when character i
    is an upper-case letter, and the 5-bit value indexes ABCDEFGHIJKLMNOPQRSTUVWXYZ012345.
    An 18-character id is kept as it is; Salesforce's empty id (salesforce_empty_id) and
    anything that is not a well-formed id are null. -#}
{% macro salesforce_id18(expression) -%}
    case
        when {{ salesforce_empty_id(expression) }} then null
        when {{ regexp_full_match(expression, '[a-zA-Z0-9]{18}') }} then {{ expression }}
        when {{ regexp_full_match(expression, '[a-zA-Z0-9]{15}') }} then {{ expression }}
            {%- for chunk in range(3) %}
            || substring('ABCDEFGHIJKLMNOPQRSTUVWXYZ012345' from 1
            {%- for position in range(5) %}
                {%- set character = 'substring(' ~ expression ~ ' from ' ~ (chunk * 5 + position + 1) ~ ' for 1)' %}
                + case when {{ character }} <> lower({{ character }}) then {{ 2 ** position }} else 0 end
            {%- endfor %} for 1)
            {%- endfor %}
    end
{%- endmacro %}
