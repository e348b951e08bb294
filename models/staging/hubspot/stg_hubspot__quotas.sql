{#- One row per staged row of the project-owned quota file (HubSpot's goals are not in the
    connector), shaped as every CRM's quotas (stg_crm__quotas). -#}

with quota_rows as (
    select * from {{ ref('base_hubspot__quota_rows') }}
),

staged as (
    select
        quota_id,
        owner_id,
        period_start as start_date,
        quota_amount,
        coalesce(currency_code, {{ corporate_currency() }}) as currency_code
    from quota_rows
    where row_status = 'staged'
)

select * from staged
