{#- Which CRM the export comes from (var crm_source): the one switch between the per-source
    staging models and the source-agnostic models above them (models/staging/crm). -#}
{% macro crm_source() %}
    {%- set source = (var('crm_source', 'salesforce') | string | lower | trim) -%}
    {%- if source not in crm_staging_models() -%}
        {{ exceptions.raise_compiler_error(
            "var crm_source is '" ~ var('crm_source') ~ "': use one of "
            ~ (crm_staging_models().keys() | list | join(', ')) ) }}
    {%- endif -%}
    {{ return(source) }}
{% endmacro %}

{#- The staged model of each source-agnostic entity, per CRM. -#}
{% macro crm_staging_models() %}
    {{ return({
        'salesforce': {
            'export_as_of': 'stg_salesforce__export_as_of',
            'row_accounting': 'stg_salesforce__row_accounting',
            'quarantine': 'stg_salesforce__quarantine',
            'stage_funnel': 'stg_salesforce__stage_funnel',
            'users': 'stg_salesforce__users',
            'accounts': 'stg_salesforce__accounts',
            'opportunities': 'stg_salesforce__opportunities',
            'opportunity_history': 'stg_salesforce__opportunity_history',
            'opportunity_field_history': 'stg_salesforce__opportunity_field_history',
            'leads': 'stg_salesforce__leads',
            'tasks': 'stg_salesforce__tasks',
            'events': 'stg_salesforce__events',
            'quotas': 'stg_salesforce__forecasting_quotas',
            'currency_types': 'stg_salesforce__currency_types',
            'dated_conversion_rates': 'stg_salesforce__dated_conversion_rates',
        },
        'hubspot': {
            'export_as_of': 'stg_hubspot__export_as_of',
            'row_accounting': 'stg_hubspot__row_accounting',
            'quarantine': 'stg_hubspot__quarantine',
            'stage_funnel': 'stg_hubspot__stage_funnel',
            'users': 'stg_hubspot__users',
            'accounts': 'stg_hubspot__accounts',
            'opportunities': 'stg_hubspot__opportunities',
            'opportunity_history': 'stg_hubspot__opportunity_history',
            'opportunity_field_history': 'stg_hubspot__opportunity_field_history',
            'leads': 'stg_hubspot__leads',
            'tasks': 'stg_hubspot__tasks',
            'events': 'stg_hubspot__events',
            'quotas': 'stg_hubspot__quotas',
            'currency_types': 'stg_hubspot__currency_types',
            'dated_conversion_rates': 'stg_hubspot__dated_conversion_rates',
        },
    }) }}
{% endmacro %}

{#- The relation of the staged model of one source-agnostic entity for the CRM chosen. -#}
{% macro crm_staged(entity) %}
    {{ return(ref(crm_staging_models()[crm_source()][entity])) }}
{% endmacro %}

{#- Whether the chosen CRM's export carries the field a contract column comes from, named by its
    Salesforce object and field (hubspot_column_for maps it to HubSpot's table and column): a
    contract column whose optional field the export lacks is null by design. -#}
{% macro crm_column_exported(salesforce_table, salesforce_column) %}
    {%- if crm_source() == 'hubspot' -%}
        {%- set hubspot_column = hubspot_column_for(salesforce_table, salesforce_column) -%}
        {{ return(hubspot_column.column in salesforce_exported_columns(hubspot_column.table, 'hubspot')) }}
    {%- else -%}
        {{ return(salesforce_column in salesforce_exported_columns(salesforce_table)) }}
    {%- endif -%}
{% endmacro %}
