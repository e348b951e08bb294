{#- One row per user per reporting grain the interactions they log (tasks and events) count
    in. Every interaction counts for the company. A rep (int_reps_identified) rolls up as in
    int_rep_grain_memberships: their rep row, their team, the company. A user who is no rep
    (owns no deal, quota or lead: a manager, an SDR, a sales engineer) counts for no rep row,
    for the company, and for one team: the team they lead when reps report to them (a
    manager's own team), else the team of their manager ('unassigned' without one) when that
    team has reps; otherwise for the company alone. Interactions without an owner count for
    the company alone (no_owner_rep_id). -#}

with rep_memberships as (
    select * from {{ ref('int_rep_grain_memberships') }}
),

reps as (
    select * from {{ ref('int_reps_identified') }}
),

users as (
    select * from {{ ref('stg_crm__users') }}
),

tasks as (
    select * from {{ ref('stg_crm__tasks') }}
),

events as (
    select * from {{ ref('stg_crm__events') }}
),

-- every user, and every interaction owner the User export lacks
user_ids as (
    select user_id from users
    union
    select owner_id as user_id from tasks
    union
    select owner_id as user_id from events
),

teams as (
    select distinct team_id from reps
),

non_rep_users as (
    select
        user_ids.user_id,
        users.led_team_id,
        coalesce(users.team_id, 'unassigned') as member_team_id
    from user_ids
    left join users
        on user_ids.user_id = users.user_id
    left join reps
        on user_ids.user_id = reps.rep_id
    where user_ids.user_id is not null and reps.rep_id is null
),

non_rep_teams as (
    select
        non_rep_users.user_id,
        coalesce(led_teams.team_id, manager_teams.team_id) as team_id
    from non_rep_users
    left join teams as led_teams
        on non_rep_users.led_team_id = led_teams.team_id
    left join teams as manager_teams
        on non_rep_users.member_team_id = manager_teams.team_id
),

memberships as (
    select
        rep_id as user_id,
        grain,
        grain_id
    from rep_memberships
    union all
    select
        user_id,
        'team' as grain,
        team_id as grain_id
    from non_rep_teams
    where team_id is not null
    union all
    select
        user_id,
        'company' as grain,
        'all' as grain_id
    from non_rep_teams
)

select * from memberships
