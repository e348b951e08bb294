{{ config(materialized='table') }}

{#- One row per raw row of a HubSpot table that could not be staged: the table, the row's key
    as written in the export, its position in the file and the reason. No raw values. -#}

with
{%- for table in hubspot_audited_tables() %}
    {{ table.table_name }}_quarantined as (
        select
            '{{ table.table_name }}' as object_name,
            _raw_key as raw_key,
            _raw_row_number as raw_row_number,
            quarantine_reason
        from {{ ref(table.rows_model) }}
        where row_status = 'quarantined'
    ),
{%- endfor %}

unioned as (
    {%- for table in hubspot_audited_tables() %}
        select * from {{ table.table_name }}_quarantined
        {{- '\n    union all' if not loop.last }}
    {%- endfor %}
)

select * from unioned
