{#- One row per recorded change of a staged deal: its stage entries (deal_stage, property
    name dealstage) and the versions of the other tracked properties (deal_property_history;
    its own dealstage rows are left out: they duplicate deal_stage, and reading both would
    double every transition). Who made the change: the owner whose HubSpot user
    (owner.user_id_including_inactive when the export has it, else owner.active_user_id)
    source_id names as userId:<n> (a user id is not an owner id);
    none for a workflow, an integration or an import without a user. What kind of source:
    hubspot_change_source. -#}

with stage_rows as (
    select * from {{ ref('base_hubspot__deal_stage_rows') }}
),

property_rows as (
    select * from {{ ref('base_hubspot__deal_property_history_rows') }}
),

owner_rows as (
    select * from {{ ref('base_hubspot__owner_rows') }}
),

-- the user behind each owner: user_id_including_inactive (the connector's column for the
-- owners API's userIdIncludingInactive, kept when the user is deactivated) before
-- active_user_id (null once the user is deactivated), so a leaver's changes still name them
owner_users as (
    select
        owner_id,
        coalesce(user_id_including_inactive, active_user_id) as user_id
    from owner_rows
    where row_status = 'staged'
),

owners_by_user as (
    select
        user_id,
        min(owner_id) as owner_id
    from owner_users
    where user_id is not null
    group by user_id
),

stage_entries as (
    select
        deal_id,
        'dealstage' as property_name,
        value,
        date_entered as changed_at,
        source,
        source_id,
        'deal_stage' as change_origin
    from stage_rows
    where row_status = 'staged'
),

property_versions as (
    select
        deal_id,
        name as property_name,
        value,
        timestamp as changed_at,
        source,
        source_id,
        'deal_property_history' as change_origin
    from property_rows
    where
        row_status = 'staged'
        and name <> 'dealstage'
),

changes as (
    select * from stage_entries
    union all
    select * from property_versions
),

attributed as (
    select
        changes.deal_id,
        changes.property_name,
        changes.value,
        changes.changed_at,
        changes.source,
        changes.source_id,
        changes.change_origin,
        {{ hubspot_source_user_id('changes.source_id') }} as source_user_id,
        owners_by_user.owner_id as changed_by_user_id,
        {{ hubspot_change_source('changes.source') }} as change_source
    from changes
    left join owners_by_user
        on {{ hubspot_source_user_id('changes.source_id') }} = owners_by_user.user_id
)

select * from attributed
