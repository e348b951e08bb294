{#- The contract columns (house names) the export of one object carries: [] when the object
    is absent. Models and tests use it where a value is null on every row because its column
    is not in the export, as opposed to blank in some rows: a required-value check or a
    not-null test then does not apply (see required_values_check, not_null_when_exported).
    Only meaningful at execution time ([] at parse time). -#}
{% macro salesforce_exported_columns(table_name, source_name='salesforce') -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set spec = salesforce_object_spec(table_name, source_name) -%}
    {%- set found = salesforce_export_source(spec, relation) -%}
    {%- if found is none -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set headers = salesforce_column_headers(spec, found.headers) -%}
    {%- set exported = [] -%}
    {%- for column in spec.columns -%}
        {%- if column.name in headers -%}
            {%- do exported.append(column.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(exported) }}
{%- endmacro %}
