{#- 'missing_required_value' when any of the columns is null, else null.

    With table_name (the object the columns come from), a column that is not in the export
    at all (an optional contract column, null on every row) is not checked: a blank value is
    a bad row, an absent column is what the export carries. Columns may be qualified
    (`typed.owner_id`). source_name: the CRM's source of the table (salesforce, hubspot). -#}
{% macro required_values_check(columns, table_name=none, source_name='salesforce') -%}
    {%- set checked = [] -%}
    {%- if table_name is none -%}
        {%- set checked = columns -%}
    {%- else -%}
        {%- set exported = salesforce_exported_columns(table_name, source_name) -%}
        {%- for column in columns -%}
            {%- if column.split('.')[-1] in exported -%}
                {%- do checked.append(column) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if checked | length == 0 -%}
    cast(null as {{ dbt.type_string() }})
    {%- else -%}
    case when {% for column in checked %}{{ column }} is null{{ ' or ' if not loop.last }}{% endfor %} then 'missing_required_value' end
    {%- endif -%}
{%- endmacro %}
