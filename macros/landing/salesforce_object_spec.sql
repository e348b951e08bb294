{#- The export contract of one Salesforce object, read from the source definition in
    models/staging/salesforce/_salesforce__sources.yml (the single source of truth):
    {object_name, required, columns: [{name, api_name, aliases, type, required, needed_for}]}
    (needed_for: which KPIs cannot be computed without a required column).
    The loss-reason column's API name comes from the var named in its meta (api_name_var).
    Only meaningful at execution time, when the graph is loaded. -#}
{% macro salesforce_object_spec(table_name) -%}
    {%- set matches = [] -%}
    {%- for node in graph.sources.values() -%}
        {%- if node.source_name == 'salesforce' and node.name == table_name -%}
            {%- do matches.append(node) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if matches | length != 1 -%}
        {{ exceptions.raise_compiler_error("No Salesforce source table named '" ~ table_name ~ "' in _salesforce__sources.yml") }}
    {%- endif -%}
    {%- set node = matches[0] -%}
    {%- set node_meta = node.config.meta if node.config.meta else node.meta -%}
    {%- set columns = [] -%}
    {%- for column in node.columns.values() -%}
        {%- set column_meta = column.config.meta if (column.config is defined and column.config.meta) else column.meta -%}
        {%- set api_name = column_meta.get('api_name') -%}
        {%- if column_meta.get('api_name_var') -%}
            {%- set api_name = var(column_meta.get('api_name_var'), api_name) -%}
        {%- endif -%}
        {%- do columns.append({
            'name': column.name,
            'api_name': api_name,
            'aliases': column_meta.get('aliases', []),
            'type': column_meta.get('type', 'string'),
            'required': column_meta.get('required', false),
            'needed_for': column_meta.get('needed_for'),
        }) -%}
    {%- endfor -%}
    {{ return({
        'table_name': table_name,
        'object_name': node_meta.get('object_name'),
        'required': node_meta.get('required', false),
        'key_columns': node_meta.get('key_columns', ['id']),
        'columns': columns,
    }) }}
{%- endmacro %}
