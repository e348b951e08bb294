{#- Finds an object's file in the export folder (file mode): <ObjectName>.csv, .csv.gz or
    .parquet, name matched case-insensitively. Returns none for a missing optional object,
    stops the run for a missing required one, and otherwise
    {path, reader (an explicit read_csv / read_parquet call), columns (the header)}.
    CSVs are read with explicit options and every column as text: no type sniffing, no
    skipped rows (the cleaning and quarantine happen in staging, in SQL). -#}
{% macro salesforce_locate_export_file(spec) -%}
    {%- set folder = crm_export_path() -%}
    {%- set listing = run_query("select file from glob('" ~ folder | replace("'", "''") ~ "/*') order by file") -%}
    {%- set files = listing.columns[0].values() | list -%}
    {%- if files | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "The export folder '" ~ folder ~ "' does not exist or is empty. Point the var crm_export_path "
            ~ "(or the env var CRM_EXPORT_PATH) at a folder of Salesforce export files.") }}
    {%- endif -%}
    {%- set candidates = [] -%}
    {%- for file in files -%}
        {%- set base = file.split('/')[-1] -%}
        {%- set lowered = base | lower -%}
        {%- set stem = spec.object_name | lower -%}
        {%- if lowered in [stem ~ '.csv', stem ~ '.csv.gz', stem ~ '.parquet'] -%}
            {%- do candidates.append(file) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if candidates | length == 0 -%}
        {%- if spec.required -%}
            {{ exceptions.raise_compiler_error(
                "Required Salesforce object " ~ spec.object_name ~ " is missing from the export folder '" ~ folder
                ~ "': expected a file " ~ spec.object_name ~ ".csv (or .parquet). Files found: "
                ~ (files | map('replace', folder ~ '/', '') | join(', '))) }}
        {%- endif -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if candidates | length > 1 -%}
        {{ exceptions.raise_compiler_error(
            "The export folder holds more than one file for " ~ spec.object_name ~ ": "
            ~ (candidates | join(', ')) ~ ". Keep one.") }}
    {%- endif -%}
    {%- set path = candidates[0] -%}
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
