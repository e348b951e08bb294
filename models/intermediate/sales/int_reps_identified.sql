{#- One row per rep: every user who owned a deal by the as-of time (every ownership span),
    carries a quota or owns a lead created by then (a queue holding leads is no rep), with
    their team (stg_crm__users.team_id: in Salesforce their manager's) and whether they carry
    a quota. -#}

with users as (
    select * from {{ ref('stg_crm__users') }}
),

owners as (
    select * from {{ ref('int_opportunity_owners_historized') }}
),

quotas as (
    select * from {{ ref('stg_crm__quotas') }}
),

-- leads created by the as-of time, owned by a user (a queue is not a rep)
leads as (
    select owner_id from {{ ref('int_lead_first_responses') }}
),

owner_ids as (
    select owner_id as user_id from owners
    union
    select owner_id as user_id from quotas
    union
    select owner_id as user_id from leads
),

quota_carriers as (
    select distinct owner_id as user_id from quotas
),

reps as (
    select
        owner_ids.user_id as rep_id,
        users.title,
        coalesce(users.user_name, owner_ids.user_id) as rep_name,
        coalesce(users.team_id, 'unassigned') as team_id,
        coalesce(users.team_name, 'No manager') as team_name,
        coalesce(users.is_active, false) as is_active,
        quota_carriers.user_id is not null as is_quota_carrying,
        coalesce(users.is_automation_user, false) as is_automation_user
    from owner_ids
    left join users
        on owner_ids.user_id = users.user_id
    left join quota_carriers
        on owner_ids.user_id = quota_carriers.user_id
    where owner_ids.user_id is not null
)

select * from reps
