{#- A hash of a row's values (the columns named), equal for equal rows and different, but
    for a negligible chance, when any value differs or moves between null and a value.
    Used to recognise raw rows that have not changed since the last run. -#}
{% macro raw_row_fingerprint(columns) -%}
    {{ return(adapter.dispatch('raw_row_fingerprint', 'revops_kpis')(columns)) }}
{%- endmacro %}

{#- PostgreSQL and most engines: the md5 of the row's text form, which tells null from '' -#}
{% macro default__raw_row_fingerprint(columns) -%}
    md5(cast(row({{ columns | join(', ') }}) as {{ dbt.type_string() }}))
{%- endmacro %}

{% macro duckdb__raw_row_fingerprint(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{% macro spark__raw_row_fingerprint(columns) -%}
    xxhash64({{ columns | join(', ') }})
{%- endmacro %}
