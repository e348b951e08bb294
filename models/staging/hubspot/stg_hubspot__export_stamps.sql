{{ config(materialized='table') }}

{#- One row per audited HubSpot table: the latest _fivetran_synced of its raw rows (when
    Fivetran last loaded them: the system stamp of a HubSpot export), and for the record
    tables (deal, company, contact: property_createdate; the per-type engagement tables:
    property_hs_createdate) the latest creation not later than its own row's _fivetran_synced.
    The inputs of the export clock (stg_hubspot__export_clock), as stg_salesforce__export_stamps
    for Salesforce. Read from the landing of every row, deleted and quarantined ones too,
    parsing only these columns, and only for the tables whose export carries one of them, so
    the base models can check rows against the clock. -#}
{%- set creation_columns = {
    'deal': 'property_createdate', 'company': 'property_createdate', 'contact': 'property_createdate',
    'engagement_call': 'property_hs_createdate', 'engagement_email': 'property_hs_createdate',
    'engagement_meeting': 'property_hs_createdate', 'engagement_task': 'property_hs_createdate',
} %}
{%- set tables = [] %}
{%- for audited in hubspot_audited_tables() %}
    {%- set exported = salesforce_exported_columns(audited.table_name, 'hubspot') %}
    {%- set creation = creation_columns.get(audited.table_name) %}
    {%- set synced_sql = parse_timestamp_utc('_fivetran_synced') if '_fivetran_synced' in exported
        else 'cast(null as ' ~ dbt.type_timestamp() ~ ')' %}
    {%- set created_sql = parse_timestamp_utc(creation) if creation is not none and creation in exported
        else 'cast(null as ' ~ dbt.type_timestamp() ~ ')' %}
    {%- do tables.append({
        'table_name': audited.table_name,
        'reads': '_fivetran_synced' in exported or (creation is not none and creation in exported),
        'synced': synced_sql, 'created': created_sql,
    }) %}
{%- endfor %}

with
{%- for table in tables %}
    {%- if table.reads %}
        {{ table.table_name }}_landed as (
            {{ salesforce_landing(table.table_name, source_name='hubspot') }}
        ),
    {%- endif %}

    {{ table.table_name }}_parsed as (
        select
            {{ table.synced }} as fivetran_synced,
            {{ table.created }} as created_at
        {%- if table.reads %}
            from {{ table.table_name }}_landed
        {%- endif %}
    ),

    {{ table.table_name }}_stamps as (
        select
            '{{ table.table_name }}' as object_name,
            max(fivetran_synced) as latest_system_stamp_at,
            max(
                case
                    when fivetran_synced is null or created_at <= fivetran_synced then created_at
                end
            ) as latest_record_creation_at
        from {{ table.table_name }}_parsed
    ),
{%- endfor %}

table_stamps as (
    {%- for table in tables %}
        select * from {{ table.table_name }}_stamps
        {{- '\n    union all' if not loop.last }}
    {%- endfor %}
)

select * from table_stamps
