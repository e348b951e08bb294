{#- One row per change of a deal's owner or close date, shaped as Salesforce's
    OpportunityFieldHistory rows the intermediate models read: field_name Owner (values owner
    ids) or CloseDate (values ISO dates, YYYY-MM-DD, in the portal's time zone). HubSpot
    records only the new value: the old one is the previous version's. The first version of
    each property is the value the deal was created with, not a change; a version that
    re-saves the previous value is none either. -#}

with changes as (
    select * from {{ ref('stg_hubspot__deal_changes') }}
),

opportunities as (
    select
        opportunity_id,
        created_at
    from {{ ref('stg_hubspot__opportunities') }}
),

versions as (
    select
        deal_id,
        property_name,
        changed_at,
        changed_by_user_id,
        case
            when property_name = 'closedate'
                then cast({{ hubspot_close_date('value', from_text=true) }} as {{ dbt.type_string() }})
            else value
        end as new_value
    from changes
    where property_name in ('hubspot_owner_id', 'closedate')
),

sequenced as (
    select
        versions.*,
        lag(versions.new_value)
            over (partition by versions.deal_id, versions.property_name order by versions.changed_at)
            as old_value,
        row_number()
            over (partition by versions.deal_id, versions.property_name order by versions.changed_at)
            as version_number
    from versions
),

staged as (
    select
        sequenced.deal_id || '-' || sequenced.property_name || '-'
        || lpad(cast(sequenced.version_number as {{ dbt.type_string() }}), 6, '0') as field_history_id,
        sequenced.deal_id as opportunity_id,
        sequenced.changed_by_user_id,
        {{ not_before_creation('sequenced.changed_at', 'opportunities.created_at') }} as changed_at,
        sequenced.changed_at as recorded_changed_at,
        {{ changed_before_creation('sequenced.changed_at', 'opportunities.created_at') }} as is_before_creation,
        case sequenced.property_name when 'hubspot_owner_id' then 'Owner' else 'CloseDate' end as field_name,
        sequenced.old_value,
        sequenced.new_value
    from sequenced
    inner join opportunities
        on sequenced.deal_id = opportunities.opportunity_id
    where
        sequenced.version_number > 1
        and sequenced.new_value is distinct from sequenced.old_value
)

select * from staged
