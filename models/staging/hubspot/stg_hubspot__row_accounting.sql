{{ config(materialized='table') }}

{#- One row per HubSpot table: where its raw rows went (the same columns as
    stg_salesforce__row_accounting; object_name is the table's name). -#}

with
{%- for table in hubspot_audited_tables() %}
    {{ table.table_name }}_counts as (
        select
            '{{ table.table_name }}' as object_name,
            count(*) as raw_row_count,
            sum(case when row_status = 'staged' then 1 else 0 end) as staged_row_count,
            sum(case when row_status = 'deleted' then 1 else 0 end) as deleted_row_count,
            sum(case when row_status = 'duplicate' then 1 else 0 end) as duplicate_row_count,
            sum(case when row_status = 'quarantined' then 1 else 0 end) as quarantined_row_count,
            sum(case when _has_excel_zero_date then 1 else 0 end) as excel_zero_date_row_count
        from {{ ref(table.rows_model) }}
    ),
{%- endfor %}

unioned as (
    {%- for table in hubspot_audited_tables() %}
        select * from {{ table.table_name }}_counts
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
