{#- Lands one raw Salesforce object as text: one row per raw row, one column per contract
    column (house snake_case names, values as strings, blanks and the literal 'null' as
    null), plus
      _raw_row_number     position of the row in the file (1 = first data row)
      _is_source_deleted  true when the loader marked the row deleted (_fivetran_deleted)
    Headers are matched case-insensitively, ignoring underscores. A missing optional object
    or column lands as empty / null; a missing required one stops the run with a message
    that names the file, what is missing and which KPIs need it.

    This macro is the only way raw data enters the project; it calls source() so the DAG
    and the docs show where the data comes from, in both modes. With row_count_only, the
    select is instead one row, raw_row_count: the number of raw rows (metadata only for
    Parquet and tables), which is the last _raw_row_number. -#}
{% macro salesforce_landing(table_name, row_count_only=false, source_name='salesforce') -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if not execute -%}
        {{ return('select 1 as raw_row_count' if row_count_only else 'select 1 as _raw_row_number') }}
    {%- endif -%}
    {%- set spec = salesforce_object_spec(table_name, source_name) -%}
    {%- set found = salesforce_export_source(spec, relation) -%}
    {%- if found is none -%}
        {{ return(salesforce_landing_select(spec, none, [], none, row_count_only)) }}
    {%- endif -%}
    {{ return(salesforce_landing_select(spec, found.reader, found.headers, found.location, row_count_only)) }}
{%- endmacro %}
