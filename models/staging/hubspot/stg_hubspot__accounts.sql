{#- One row per staged HubSpot company, shaped as every CRM's accounts (stg_crm__accounts). -#}

with company_rows as (
    select * from {{ ref('base_hubspot__company_rows') }}
),

staged as (
    select
        id as account_id,
        property_name as account_name,
        property_hubspot_owner_id as owner_id,
        property_createdate as created_at,
        property_industry as industry,
        property_type as account_type
    from company_rows
    where row_status = 'staged'
)

select * from staged
