with lead_rows as (
    select * from {{ ref('base_salesforce__lead_rows') }}
),

staged as (
    select
        id as lead_id,
        owner_id,
        created_date as created_at,
        status as lead_status,
        lead_source,
        is_converted,
        converted_date,
        converted_opportunity_id,
        converted_account_id
    from lead_rows
    where row_status = 'staged'
)

select * from staged
