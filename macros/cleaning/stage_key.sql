{#- The key stage names are matched on: trimmed, lower case, runs of white space as one
    space, so 'Needs  Analysis' and 'needs analysis' are the same stage. -#}
{% macro stage_key(expression) -%}
    {{ return(adapter.dispatch('stage_key', 'revops_kpis')(expression)) }}
{%- endmacro %}

{% macro default__stage_key(expression) -%}
    lower(trim(regexp_replace({{ expression }}, '\s+', ' ', 'g')))
{%- endmacro %}

{% macro spark__stage_key(expression) -%}
    lower(trim(regexp_replace({{ expression }}, '\\s+', ' ')))
{%- endmacro %}
