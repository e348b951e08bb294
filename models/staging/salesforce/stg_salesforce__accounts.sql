with account_rows as (
    select * from {{ ref('base_salesforce__account_rows') }}
),

staged as (
    select
        id as account_id,
        name as account_name,
        owner_id,
        created_date as created_at,
        industry,
        type as account_type
    from account_rows
    where row_status = 'staged'
)

select * from staged
