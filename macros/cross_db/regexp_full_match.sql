{#- True when the whole text matches the regular expression (POSIX/RE2 subset: classes,
    quantifiers, groups, alternation). Null in, null out. -#}
{% macro regexp_full_match(expression, pattern) -%}
    {{ return(adapter.dispatch('regexp_full_match', 'revops_kpis')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regexp_full_match(expression, pattern) -%}
    ({{ expression }} ~ '^({{ pattern }})$')
{%- endmacro %}

{% macro duckdb__regexp_full_match(expression, pattern) -%}
    regexp_full_match({{ expression }}, '{{ pattern }}')
{%- endmacro %}

{#- Spark reads backslash escapes in string literals ('\d' is 'd'): they are doubled. -#}
{% macro spark__regexp_full_match(expression, pattern) -%}
    ({{ expression }} rlike '^({{ pattern | replace('\\', '\\\\') }})$')
{%- endmacro %}
