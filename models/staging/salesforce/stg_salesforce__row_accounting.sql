{{ config(materialized='table') }}

{#- One row per Salesforce object: where its raw rows went. -#}

with
{%- for object in salesforce_audited_objects() %}
    {{ object.table_name }}_counts as (
        select
            '{{ object.object_name }}' as object_name,
            count(*) as raw_row_count,
            sum(case when row_status = 'staged' then 1 else 0 end) as staged_row_count,
            sum(case when row_status = 'deleted' then 1 else 0 end) as deleted_row_count,
            sum(case when row_status = 'duplicate' then 1 else 0 end) as duplicate_row_count,
            sum(case when row_status = 'quarantined' then 1 else 0 end) as quarantined_row_count,
            sum(case when _has_excel_zero_date then 1 else 0 end) as excel_zero_date_row_count
        from {{ ref(object.rows_model) }}
    ),
{%- endfor %}

unioned as (
    {%- for object in salesforce_audited_objects() %}
        select * from {{ object.table_name }}_counts
        {{- '\n    union all' if not loop.last }}
    {%- endfor %}
),

final as (
    select
        object_name,
        cast(raw_row_count as {{ dbt.type_bigint() }}) as raw_row_count,
        cast(coalesce(staged_row_count, 0) as {{ dbt.type_bigint() }}) as staged_row_count,
        cast(coalesce(deleted_row_count, 0) as {{ dbt.type_bigint() }}) as deleted_row_count,
        cast(coalesce(duplicate_row_count, 0) as {{ dbt.type_bigint() }}) as duplicate_row_count,
        cast(coalesce(quarantined_row_count, 0) as {{ dbt.type_bigint() }}) as quarantined_row_count,
        cast(coalesce(excel_zero_date_row_count, 0) as {{ dbt.type_bigint() }}) as excel_zero_date_row_count
    from unioned
)

select * from final
