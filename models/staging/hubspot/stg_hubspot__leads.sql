{#- One row per HubSpot contact that is or was a lead (lifecycle stage lead now, or a
    lifecyclestage version lead in contact_property_history), shaped as every CRM's leads
    (stg_crm__leads). Created at the contact's creation, owned by its owner. HubSpot records
    no lead conversion: the conversion columns are null. -#}

with contact_rows as (
    select * from {{ ref('base_hubspot__contact_rows') }}
),

history_rows as (
    select * from {{ ref('base_hubspot__contact_property_history_rows') }}
),

former_leads as (
    select distinct contact_id
    from history_rows
    where
        row_status = 'staged'
        and name = 'lifecyclestage'
        and lower(value) = 'lead'
),

staged as (
    select
        contact_rows.id as lead_id,
        contact_rows.property_hubspot_owner_id as owner_id,
        contact_rows.property_createdate as created_at,
        contact_rows.property_hs_lead_status as lead_status,
        contact_rows.property_hs_analytics_source as lead_source,
        cast(null as boolean) as is_converted,
        cast(null as date) as converted_date,
        cast(null as {{ dbt.type_string() }}) as converted_opportunity_id,
        cast(null as {{ dbt.type_string() }}) as converted_account_id
    from contact_rows
    left join former_leads
        on contact_rows.id = former_leads.contact_id
    where
        contact_rows.row_status = 'staged'
        and (lower(contact_rows.property_lifecyclestage) = 'lead' or former_leads.contact_id is not null)
)

select * from staged
