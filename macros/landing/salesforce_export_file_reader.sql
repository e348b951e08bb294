{#- {path, reader, columns} of one export file (see salesforce_locate_export_file): the reader
    is an explicit read_csv / read_parquet call, CSVs read with explicit options and every
    column as text (no type sniffing, no skipped rows), columns the file's header. A row may be
    up to 64 MB long (max_line_size; DuckDB's default is 2 MB): a long text value is a
    legitimate one, and the export checks read values of any length. An empty file (no
    header, no rows) comes back with reader none and empty true. -#}
{% macro salesforce_export_file_reader(path) -%}
    {%- set quoted_path = "'" ~ path | replace("'", "''") ~ "'" -%}
    {%- if (path | lower).endswith('.parquet') -%}
        {%- set sniff_reader = "read_parquet(" ~ quoted_path ~ ")" -%}
    {%- else -%}
        {%- set csv_options = "delim = ',', quote = '\"', escape = '\"', header = true, all_varchar = true, max_line_size = 67108864, encoding = '"
            ~ var('crm_export_encoding') ~ "'" -%}
        {%- set sniff_reader = "read_csv(" ~ quoted_path ~ ", " ~ csv_options ~ ")" -%}
    {%- endif -%}
    {%- set described = run_query("describe select * from " ~ sniff_reader) -%}
    {%- set headers = described.columns[0].values() | list -%}
    {%- if headers == ['column0'] and not (path | lower).endswith('.parquet') -%}
        {#- DuckDB names the one column of a file without a header column0: an empty file
            (0 bytes or blank lines) has no header and no rows -#}
        {%- set row_count = run_query("select count(*) from " ~ sniff_reader).columns[0].values()[0] -%}
        {%- if row_count == 0 -%}
            {{ return({'path': path, 'reader': none, 'columns': [], 'empty': true}) }}
        {%- endif -%}
    {%- endif -%}
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
    {{ return({'path': path, 'reader': reader, 'columns': headers, 'empty': false}) }}
{%- endmacro %}
