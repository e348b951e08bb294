{#- Lands one raw Salesforce object as text: one row per raw row, one column per contract
    column (house snake_case names, values as strings, blanks and the literal 'null' as
    null), plus
      _raw_row_number     position of the row in the file (1 = first data row)
      _is_source_deleted  true when the loader marked the row deleted (_fivetran_deleted)
    Headers are matched case-insensitively, ignoring underscores. A missing optional object
    or column lands as empty / null; a missing required one stops the run with a message
    that names the file and what is missing.

    This macro is the only way raw data enters the project; it calls source() so the DAG
    and the docs show where the data comes from, in both modes. With row_count_only, the
    select is instead one row, raw_row_count: the number of raw rows (metadata only for
    Parquet and tables), which is the last _raw_row_number. -#}
{% macro salesforce_landing(table_name, row_count_only=false) -%}
    {%- set relation = source('salesforce', table_name) -%}
    {%- if not execute -%}
        {{ return('select 1 as raw_row_count' if row_count_only else 'select 1 as _raw_row_number') }}
    {%- endif -%}
    {%- set spec = salesforce_object_spec(table_name) -%}
    {%- set mode = var('crm_source_mode') -%}
    {%- if mode == 'files' -%}
        {%- if target.type != 'duckdb' -%}
            {#- export files are found and read by DuckDB's glob() and read_csv() -#}
            {{ exceptions.raise_compiler_error(
                "File mode (crm_source_mode: files) reads the export files with DuckDB; on a " ~ target.type
                ~ " target, load the export into tables first (python -m revops_kpis.warehouse_load --export PATH"
                ~ " --target postgres --schema salesforce, or your loader) and build with"
                ~ " --vars '{crm_source_mode: warehouse, crm_raw_schema: salesforce}'.") }}
        {%- endif -%}
        {%- set located = salesforce_locate_export_file(spec) -%}
        {%- if located is none -%}
            {{ return(salesforce_landing_select(spec, none, [], none, row_count_only)) }}
        {%- endif -%}
        {{ return(salesforce_landing_select(spec, located.reader, located.columns, located.path, row_count_only)) }}
    {%- elif mode == 'warehouse' -%}
        {%- set existing = adapter.get_relation(relation.database, relation.schema, relation.identifier) -%}
        {%- if existing is none -%}
            {%- if spec.required -%}
                {{ exceptions.raise_compiler_error(
                    "Required Salesforce object " ~ spec.object_name ~ " not found: there is no table "
                    ~ relation ~ ". Set the var crm_raw_schema to the schema your loader writes to.") }}
            {%- endif -%}
            {{ return(salesforce_landing_select(spec, none, [], none, row_count_only)) }}
        {%- endif -%}
        {%- set headers = adapter.get_columns_in_relation(existing) | map(attribute='name') | list -%}
        {{ return(salesforce_landing_select(spec, existing, headers, existing | string, row_count_only)) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("The var crm_source_mode must be 'files' or 'warehouse', not '" ~ mode ~ "'.") }}
    {%- endif -%}
{%- endmacro %}
