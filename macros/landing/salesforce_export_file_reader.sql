{#- {path, reader, columns} of one export file (see salesforce_locate_export_file): the reader
    is an explicit read_csv / read_parquet call, CSVs read with explicit options and every
    column as text (no type sniffing, no skipped rows), columns the file's header. -#}
{% macro salesforce_export_file_reader(path) -%}
    {%- set quoted_path = "'" ~ path | replace("'", "''") ~ "'" -%}
    {%- if (path | lower).endswith('.parquet') -%}
        {%- set sniff_reader = "read_parquet(" ~ quoted_path ~ ")" -%}
    {%- else -%}
        {%- set csv_options = "delim = ',', quote = '\"', escape = '\"', header = true, all_varchar = true, encoding = '"
            ~ var('crm_export_encoding') ~ "'" -%}
        {%- set sniff_reader = "read_csv(" ~ quoted_path ~ ", " ~ csv_options ~ ")" -%}
    {%- endif -%}
    {%- set described = run_query("describe select * from " ~ sniff_reader) -%}
    {%- set headers = described.columns[0].values() | list -%}
    {%- if (path | lower).endswith('.parquet') -%}
        {%- set reader = sniff_reader -%}
    {%- else -%}
        {%- set column_types = [] -%}
        {%- for header in headers -%}
            {%- do column_types.append("'" ~ header | replace("'", "''") ~ "': 'VARCHAR'") -%}
        {%- endfor -%}
        {%- set reader = "read_csv(" ~ quoted_path ~ ", " ~ csv_options
            ~ ", auto_detect = false, columns = {" ~ column_types | join(', ') ~ "})" -%}
    {%- endif -%}
    {{ return({'path': path, 'reader': reader, 'columns': headers}) }}
{%- endmacro %}
