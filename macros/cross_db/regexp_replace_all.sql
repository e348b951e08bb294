{#- Every match of the regular expression in the text replaced by a fixed replacement (no
    back references). Patterns use the subset the three engines share: classes such as \d and
    \s, bracket expressions, quantifiers, groups, alternation; no word boundaries or
    look-arounds. Null in, null out. -#}
{% macro regexp_replace_all(expression, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'revops_kpis')(expression, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{#- Spark replaces every match, reads backslash escapes in string literals (they are doubled)
    and $ in the replacement as a group reference. -#}
{% macro spark__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, '{{ pattern | replace('\\', '\\\\') }}', '{{ replacement | replace('$', '\\\\$') }}')
{%- endmacro %}
