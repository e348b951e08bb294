{{ config(severity='error') }}

-- For every object: raw rows = staged + dropped as deleted + dropped as duplicate +
-- quarantined. Raw rows are counted straight from the export (a second, independent read),
-- staged rows from the clean staging views and quarantined rows from the quarantine model,
-- so a join that multiplies rows or a filter that loses them fails here.
-- A failing row names the object and the counts that do not add up.

with
{%- for object in salesforce_audited_objects() %}
    {{ object.table_name }}_raw as (
        {{ salesforce_landing(object.table_name) }}
    ),
{%- endfor %}

raw_counts as (
    {%- for object in salesforce_audited_objects() %}
        select
            '{{ object.object_name }}' as object_name,
            count(*) as raw_row_count
        from {{ object.table_name }}_raw
        {{- '\n    union all' if not loop.last }}
    {%- endfor %}
),

staged_counts as (
    {%- for object in salesforce_audited_objects() %}
        select
            '{{ object.object_name }}' as object_name,
            count(*) as staged_row_count
        from {{ ref(object.staged_model) }}
        {{- '\n    union all' if not loop.last }}
    {%- endfor %}
),

quarantined_counts as (
    select
        object_name,
        count(*) as quarantined_row_count
    from {{ ref('stg_salesforce__quarantine') }}
    group by object_name
),

dropped_counts as (
    select
        object_name,
        deleted_row_count,
        duplicate_row_count
    from {{ ref('stg_salesforce__row_accounting') }}
),

compared as (
    select
        raw_counts.object_name,
        raw_counts.raw_row_count,
        staged_counts.staged_row_count,
        coalesce(dropped_counts.deleted_row_count, 0) as deleted_row_count,
        coalesce(dropped_counts.duplicate_row_count, 0) as duplicate_row_count,
        coalesce(quarantined_counts.quarantined_row_count, 0) as quarantined_row_count
    from raw_counts
    inner join staged_counts
        on raw_counts.object_name = staged_counts.object_name
    left join dropped_counts
        on raw_counts.object_name = dropped_counts.object_name
    left join quarantined_counts
        on raw_counts.object_name = quarantined_counts.object_name
)

select *
from compared
where
    raw_row_count
    <> staged_row_count + deleted_row_count + duplicate_row_count + quarantined_row_count
