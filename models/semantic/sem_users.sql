{#- One row per user the semantic model `reps` can name: every rep of dim_reps with their team,
    and every other user whose interactions count for a team (int_user_grain_memberships: a
    manager for the team they lead, an SDR for their manager's), with that team, so
    interactions grouped by rep__team_id add up as the marts' team rows do. Users whose
    interactions count for the company alone have no team. -#}

with reps as (
    select * from {{ ref('dim_reps') }}
),

users as (
    select * from {{ ref('stg_crm__users') }}
),

user_memberships as (
    select * from {{ ref('int_user_grain_memberships') }}
),

team_names as (
    select distinct
        team_id,
        team_name
    from reps
),

non_rep_users as (
    select
        company_memberships.user_id,
        team_memberships.grain_id as team_id,
        team_names.team_name,
        false as is_quota_carrying,
        coalesce(users.user_name, company_memberships.user_id) as rep_name,
        coalesce(users.is_active, false) as is_active
    from user_memberships as company_memberships
    left join user_memberships as team_memberships
        on company_memberships.user_id = team_memberships.user_id and team_memberships.grain = 'team'
    left join users
        on company_memberships.user_id = users.user_id
    left join team_names
        on team_memberships.grain_id = team_names.team_id
    left join reps
        on company_memberships.user_id = reps.rep_id
    where
        company_memberships.grain = 'company'
        and reps.rep_id is null
        and company_memberships.user_id != '{{ no_owner_rep_id() }}'
),

semantic_users as (
    select
        rep_id,
        rep_name,
        team_id,
        team_name,
        is_active,
        is_quota_carrying
    from reps
    union all
    select
        user_id as rep_id,
        rep_name,
        team_id,
        team_name,
        is_active,
        is_quota_carrying
    from non_rep_users
)

select * from semantic_users
