{#- The keyword that makes a CTE referenced several times be computed once
    (`name as {{ materialized_cte() }} (...)`): DuckDB and PostgreSQL know `materialized`;
    engines without it compute the CTE as they see fit. -#}
{% macro materialized_cte() -%}
    {{ return(adapter.dispatch('materialized_cte', 'revops_kpis')()) }}
{%- endmacro %}

{% macro default__materialized_cte() -%}
{%- endmacro %}

{% macro duckdb__materialized_cte() -%}
    materialized
{%- endmacro %}

{% macro postgres__materialized_cte() -%}
    materialized
{%- endmacro %}
