{#- Which header of the export each contract column of `spec` reads: {column name: header}
    for the columns found, matched on salesforce_match_key of the API name, else of the house
    name (so `StageName`, `stagename` and `stage_name` all land in stage_name). -#}
{% macro salesforce_column_headers(spec, headers) -%}
    {%- set header_by_key = {} -%}
    {%- for header in headers -%}
        {%- do header_by_key.update({salesforce_match_key(header): header}) -%}
    {%- endfor -%}
    {%- set found = {} -%}
    {%- for column in spec.columns -%}
        {%- set header = header_by_key.get(salesforce_match_key(column.api_name), header_by_key.get(salesforce_match_key(column.name))) -%}
        {%- if header is not none -%}
            {%- do found.update({column.name: header}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(found) }}
{%- endmacro %}
