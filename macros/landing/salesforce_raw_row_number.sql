{#- The position of a raw row in its scan: 1 for the first row read. DuckDB and PostgreSQL
    number rows in scan order with an empty window; Spark requires an ordered window, and
    monotonically_increasing_id() follows the scan order (a table in one file, as
    warehouse_load writes it, is read in file order). -#}
{% macro salesforce_raw_row_number() -%}
    {{ return(adapter.dispatch('salesforce_raw_row_number', 'revops_kpis')()) }}
{%- endmacro %}

{% macro default__salesforce_raw_row_number() -%}
    row_number() over ()
{%- endmacro %}

{% macro spark__salesforce_raw_row_number() -%}
    row_number() over (order by monotonically_increasing_id())
{%- endmacro %}
