{#- Where one object's raw rows are: none when the object is absent (an optional one; a
    missing required object stops the run with a message), else {reader, headers, location}:
    `reader` a read_csv/read_parquet call (file mode) or the loader's table (warehouse mode),
    `headers` its column names, `location` what to name in messages. `relation` is the
    object's source() relation. Used by salesforce_landing and salesforce_exported_columns,
    so both see the same export. Only meaningful at execution time. -#}
{% macro salesforce_export_source(spec, relation) -%}
    {%- set mode = crm_source_mode() -%}
    {%- if mode == 'files' -%}
        {%- if target.type != 'duckdb' -%}
            {#- export files are found and read by DuckDB's glob() and read_csv() -#}
            {{ exceptions.raise_compiler_error(
                "File mode (crm_source_mode: files) reads the export files with DuckDB; on a " ~ target.type
                ~ " target, load the export into tables first (python -m revops_kpis.warehouse_load --export PATH"
                ~ " --target postgres --schema salesforce, or your loader) and build with"
                ~ " --vars '{crm_source_mode: warehouse, revops_salesforce_schema: salesforce}'.") }}
        {%- endif -%}
        {%- set located = salesforce_locate_export_file(spec) -%}
        {%- if located is none -%}
            {{ return(none) }}
        {%- endif -%}
        {{ return({'reader': located.reader, 'headers': located.columns, 'location': located.path}) }}
    {%- elif mode == 'warehouse' -%}
        {%- set existing = adapter.get_relation(relation.database, relation.schema, relation.identifier) -%}
        {%- if existing is none -%}
            {%- if spec.required -%}
                {{ exceptions.raise_compiler_error(
                    "Required " ~ spec.crm_label ~ " object " ~ spec.object_name ~ " not found: there is no table "
                    ~ relation ~ ". Set the var revops_" ~ spec.source_name ~ "_schema (and revops_"
                    ~ spec.source_name ~ "_database) to where your loader writes, or revops_" ~ spec.source_name
                    ~ "_" ~ spec.table_name ~ "_identifier to the table's name.") }}
            {%- endif -%}
            {{ return(none) }}
        {%- endif -%}
        {%- set headers = adapter.get_columns_in_relation(existing) | map(attribute='name') | list -%}
        {{ return({'reader': existing, 'headers': headers, 'location': existing | string}) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("The var crm_source_mode must be 'files' or 'warehouse', not '" ~ mode ~ "'.") }}
    {%- endif -%}
{%- endmacro %}
