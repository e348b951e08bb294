{#- The export contract of one Salesforce object, read from the source definition in
    models/staging/salesforce/_salesforce__sources.yml (the single source of truth):
    {object_name, required, columns: [{name, api_name, aliases, type, required, needed_for}]}
    source_name: the CRM's source (salesforce, or hubspot: models/staging/hubspot/
    _hubspot__sources.yml, one table per Fivetran HubSpot table); the spec also carries
    source_name and crm_label (the CRM's name in messages).
    (needed_for: which KPIs cannot be computed without a required column).
    The API name of the loss-reason and segment columns comes from the var named in their meta
    (api_name_var). The Opportunity (HubSpot: deal) spec ends with the pass-through columns of
    var revops_opportunity_pass_through_columns (pass_through true; opportunity_pass_through_columns).
    Only meaningful at execution time, when the graph is loaded. -#}
{% macro salesforce_object_spec(table_name, source_name='salesforce') -%}
    {%- set matches = [] -%}
    {%- for node in graph.sources.values() -%}
        {%- if node.source_name == source_name and node.name == table_name -%}
            {%- do matches.append(node) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if matches | length != 1 -%}
        {{ exceptions.raise_compiler_error("No " ~ crm_label(source_name) ~ " source table named '" ~ table_name ~ "' in _" ~ source_name ~ "__sources.yml") }}
    {%- endif -%}
    {%- set node = matches[0] -%}
    {%- set node_meta = node.config.meta if node.config.meta else node.meta -%}
    {%- set columns = [] -%}
    {%- for column in node.columns.values() -%}
        {%- set column_meta = column.config.meta if (column.config is defined and column.config.meta) else column.meta -%}
        {%- set api_name = column_meta.get('api_name', column.name) -%}
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
            'pass_through': false,
        }) -%}
    {%- endfor -%}
    {%- if (source_name, table_name) in [('salesforce', 'opportunity'), ('hubspot', 'deal')] -%}
        {#- the custom fields of var revops_opportunity_pass_through_columns: optional, landed
            and parsed as the contract's columns, but never a reason to quarantine the row -#}
        {%- for extra in opportunity_pass_through_columns() -%}
            {%- do columns.append({
                'name': extra.alias,
                'api_name': extra.name,
                'aliases': [],
                'type': extra.type,
                'required': false,
                'needed_for': none,
                'pass_through': true,
            }) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return({
        'table_name': table_name,
        'source_name': source_name,
        'crm_label': crm_label(source_name),
        'object_name': node_meta.get('object_name'),
        'required': node_meta.get('required', false),
        'key_columns': node_meta.get('key_columns', ['id']),
        'columns': columns,
    }) }}
{%- endmacro %}

{#- The CRM's name in messages. -#}
{% macro crm_label(source_name) -%}
    {{ return({'salesforce': 'Salesforce', 'hubspot': 'HubSpot'}.get(source_name, source_name)) }}
{%- endmacro %}
