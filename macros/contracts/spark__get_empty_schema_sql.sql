{#- dbt's contract check on Spark: the empty select the model's columns are compared with,
    with each declared data_type spelled as Spark spells it (contract_data_type), as
    select_contract_columns casts them. Otherwise dbt's default. -#}
{% macro spark__get_empty_schema_sql(columns) %}
    {%- set col_err = [] -%}
    select
    {% for i in columns %}
        {%- set col = columns[i] -%}
        {%- if col['data_type'] is not defined -%}
            {%- do col_err.append(col['name']) -%}
        {%- endif -%}
        {%- set col_name = adapter.quote(col['name']) if col.get('quote') else col['name'] %}
        cast(null as {{ contract_data_type(col['data_type']) if col['data_type'] is defined else 'string' }}) as {{ col_name }}{{ ", " if not loop.last }}
    {%- endfor -%}
    {%- if (col_err | length) > 0 -%}
        {{ exceptions.column_type_missing(column_names=col_err) }}
    {%- endif -%}
{% endmacro %}
