{#- Where the raw rows of each audited object or table went: one row per entry of `audited`
    (dicts with table_name, rows_model and, optionally, object_name, else the table name),
    counting its raw-row model's rows by row_status, and the rows that carried a spreadsheet
    zero date. The one rule behind stg_salesforce__row_accounting and
    stg_hubspot__row_accounting. -#}
{% macro row_accounting_select(audited) -%}
with
{%- for entry in audited %}
    {{ entry.table_name }}_counts as (
        select
            '{{ entry.get("object_name", entry.table_name) }}' as object_name,
            count(*) as raw_row_count,
            sum(case when row_status = 'staged' then 1 else 0 end) as staged_row_count,
            sum(case when row_status = 'deleted' then 1 else 0 end) as deleted_row_count,
            sum(case when row_status = 'duplicate' then 1 else 0 end) as duplicate_row_count,
            sum(case when row_status = 'quarantined' then 1 else 0 end) as quarantined_row_count,
            sum(case when _has_excel_zero_date then 1 else 0 end) as excel_zero_date_row_count
        from {{ ref(entry.rows_model) }}
    ),
{%- endfor %}

unioned as (
    {%- for entry in audited %}
        select * from {{ entry.table_name }}_counts
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
{%- endmacro %}
