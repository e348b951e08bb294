{#- Finds an object's file in the export folder (file mode): <ObjectName>.csv, .csv.gz or
    .parquet, name matched case-insensitively. Returns none for a missing optional object,
    stops the run for a missing required one (or an empty file, no header and no rows: an
    empty optional one is an absent object), and otherwise
    {path, reader (an explicit read_csv / read_parquet call), columns (the header)}.
    The var crm_export_files ({ObjectName: path}) names the file of an object instead: the
    command line passes the UTF-8, ISO-dated copies it prepared (revops_kpis.export_prepare)
    there, and '' for an optional object whose file holds no rows (read as absent).
    CSVs are read with explicit options and every column as text: no type sniffing, no
    skipped rows (the cleaning and quarantine happen in staging, in SQL). -#}
{% macro salesforce_locate_export_file(spec) -%}
    {%- set folder = crm_export_path() -%}
    {%- set named_files = var('crm_export_files', {}) or {} -%}
    {%- if spec.object_name in named_files -%}
        {%- if not named_files[spec.object_name] -%}
            {{ return(none) }}
        {%- endif -%}
        {{ return(salesforce_read_located_file(spec, named_files[spec.object_name])) }}
    {%- endif -%}
    {%- set listing = run_query("select file from glob('" ~ folder | replace("'", "''") ~ "/*') order by file") -%}
    {%- set files = listing.columns[0].values() | list -%}
    {%- if files | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "The export folder '" ~ folder ~ "' does not exist or is empty. Point the var crm_export_path "
            ~ "(or the env var CRM_EXPORT_PATH) at a folder of " ~ spec.crm_label ~ " export files.") }}
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
                "Required " ~ spec.crm_label ~ " object " ~ spec.object_name ~ " is missing from the export folder '" ~ folder
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
    {{ return(salesforce_read_located_file(spec, candidates[0])) }}
{%- endmacro %}

{#- The reader of the file found for an object; an empty file (no header, no rows) is an
    absent object when the object is optional and stops the run when it is required. -#}
{% macro salesforce_read_located_file(spec, path) -%}
    {%- set found = salesforce_export_file_reader(path) -%}
    {%- if found.empty -%}
        {%- if spec.required -%}
            {{ exceptions.raise_compiler_error(
                "The export file " ~ path ~ " is empty (no header, no rows), and " ~ spec.object_name
                ~ " is a required object. The export of " ~ spec.object_name ~ " failed or was interrupted:"
                ~ " export it again (a file with no " ~ spec.object_name ~ " records still has its header line).") }}
        {%- endif -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(found) }}
{%- endmacro %}
