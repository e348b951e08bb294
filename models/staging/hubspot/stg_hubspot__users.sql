{#- One row per HubSpot owner (the people records point at), shaped as every CRM's users
    (stg_crm__users): user_id is the owner id. Active while a HubSpot user stands behind the
    owner (owner.active_user_id). The team is the owner's primary team (owner_team
    is_team_primary, else users.primary_team_id), named by team.name; an owner whose role
    (users.role_id, role.name) is Sales Manager leads their primary team (led_team_id).
    No automation users: HubSpot changes carry their own source (deal_stage.source). -#}
{%- set no_name = 'cast(null as ' ~ dbt.type_string() ~ ')' %}

with owner_rows as (
    select * from {{ ref('base_hubspot__owner_rows') }}
),

owner_team_rows as (
    select * from {{ ref('base_hubspot__owner_team_rows') }}
),

team_rows as (
    select * from {{ ref('base_hubspot__team_rows') }}
),

user_rows as (
    select * from {{ ref('base_hubspot__users_rows') }}
),

role_rows as (
    select * from {{ ref('base_hubspot__role_rows') }}
),

primary_teams as (
    select
        owner_id,
        min(team_id) as team_id
    from owner_team_rows
    where
        row_status = 'staged'
        and is_team_primary
    group by owner_id
),

owners as (
    select
        owner_rows.owner_id,
        {{ salesforce_user_name(no_name, 'owner_rows.first_name', 'owner_rows.last_name') }} as user_name,
        owner_rows.active_user_id is not null as is_active,
        owner_rows.type as user_type,
        user_rows.role_id as user_role_id,
        role_rows.name as role_name,
        coalesce(primary_teams.team_id, user_rows.primary_team_id) as team_id
    from owner_rows
    left join primary_teams
        on owner_rows.owner_id = primary_teams.owner_id
    left join user_rows
        on
            owner_rows.active_user_id = user_rows.id
            and user_rows.row_status = 'staged'
    left join role_rows
        on
            user_rows.role_id = role_rows.id
            and role_rows.row_status = 'staged'
    where owner_rows.row_status = 'staged'
),

users as (
    select
        owners.owner_id as user_id,
        owners.user_name,
        owners.is_active,
        owners.user_type,
        owners.user_role_id,
        cast(null as {{ dbt.type_string() }}) as title,
        false as is_automation_user,
        owners.team_id,
        team_rows.name as team_name,
        case when owners.role_name = 'Sales Manager' then owners.team_id end as led_team_id
    from owners
    left join team_rows
        on
            owners.team_id = team_rows.id
            and team_rows.row_status = 'staged'
)

select * from users
