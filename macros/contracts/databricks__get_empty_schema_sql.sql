{#- Databricks spells types as Spark does: the contract check of spark__get_empty_schema_sql. -#}
{% macro databricks__get_empty_schema_sql(columns) %}
    {{ return(spark__get_empty_schema_sql(columns)) }}
{% endmacro %}
