with quota_rows as (
    select * from {{ ref('base_salesforce__forecasting_quota_rows') }}
),

staged as (
    select
        coalesce(id, quota_owner_id || '-' || cast(start_date as {{ dbt.type_string() }})) as quota_id,
        quota_owner_id as owner_id,
        start_date,
        quota_amount,
        coalesce(currency_iso_code, {{ corporate_currency() }}) as currency_code
    from quota_rows
    where row_status = 'staged'
)

select * from staged
