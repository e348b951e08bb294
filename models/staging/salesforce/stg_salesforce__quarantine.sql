{{ config(materialized='table') }}

{#- One row per raw row that could not be staged: the object, the row's key as written in
    the export, its position in the file and the reason. No raw values: personal data in a
    bad row stays in the export. -#}

with
{%- for object in salesforce_audited_objects() %}
    {{ object.table_name }}_quarantined as (
        select
            '{{ object.object_name }}' as object_name,
            _raw_key as raw_key,
            _raw_row_number as raw_row_number,
            quarantine_reason
        from {{ ref(object.rows_model) }}
        where row_status = 'quarantined'
    ),
{%- endfor %}

unioned as (
    {%- for object in salesforce_audited_objects() %}
        select * from {{ object.table_name }}_quarantined
        {{- '\n    union all' if not loop.last }}
    {%- endfor %}
)

select * from unioned
