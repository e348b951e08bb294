{#- Which header of the export each contract column of `spec` reads: {column name: header}
    for the columns found, matched on salesforce_match_key of the API name, else of the house
    name, else of its aliases (so `StageName`, `stagename` and `stage_name` all land in
    stage_name, and ForecastCategory in forecast_category_name when ForecastCategoryName is
    absent). Two headers with one key: the first is read, as DuckDB reads a repeated header
    (it renames the later copies) and as the export checks say. -#}
{% macro salesforce_column_headers(spec, headers) -%}
    {%- set header_by_key = {} -%}
    {%- for header in headers -%}
        {%- if salesforce_match_key(header) not in header_by_key -%}
            {%- do header_by_key.update({salesforce_match_key(header): header}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set found = {} -%}
    {%- for column in spec.columns -%}
        {%- set match = namespace(header=none) -%}
        {%- for candidate in [column.api_name, column.name] + (column.aliases or []) -%}
            {%- if match.header is none -%}
                {%- set match.header = header_by_key.get(salesforce_match_key(candidate)) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if match.header is not none -%}
            {%- do found.update({column.name: match.header}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(found) }}
{%- endmacro %}
