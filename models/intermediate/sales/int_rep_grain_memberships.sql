{#- One row per rep per reporting grain the rep rolls up to: the rep itself ('rep', rep id),
    the rep's team ('team', manager id) and the company ('company', 'all'). KPI tables join
    deal events to this to compute team and company rows from the deals themselves.

    Records without an owner (every deal when the export has no Opportunity.OwnerId; a task,
    event, lead or account with a blank owner; a lead a queue holds) count for the company
    alone: when there are any, one more row puts the pseudo-rep no_owner_rep_id() in the
    company, and in no rep or team row. Leads and accounts count once created by the as-of time. -#}

with as_of as (
    select as_of from {{ ref('stg_crm__export_as_of') }}
),

reps as (
    select * from {{ ref('int_reps_identified') }}
),

-- leads created by the as-of time; a lead a queue holds has no owner (int_lead_first_responses)
leads as (
    select * from {{ ref('int_lead_first_responses') }}
),

accounts as (
    {{ rows_up_to_as_of(ref('stg_crm__accounts'), 'created_at', 'as_of', keep_undated=true) }}
),

unowned_records as (
    select opportunity_id as record_id from {{ ref('int_opportunity_owners_historized') }}
    where owner_id is null
    union all
    select task_id as record_id from {{ ref('stg_crm__tasks') }}
    where owner_id is null
    union all
    select event_id as record_id from {{ ref('stg_crm__events') }}
    where owner_id is null
    union all
    select lead_id as record_id from leads
    where owner_id is null
    union all
    select account_id as record_id from accounts
    where owner_id is null
),

memberships as (
    select
        rep_id,
        'rep' as grain,
        rep_id as grain_id
    from reps
    union all
    select
        rep_id,
        'team' as grain,
        team_id as grain_id
    from reps
    union all
    select
        rep_id,
        'company' as grain,
        'all' as grain_id
    from reps
    union all
    select distinct
        '{{ no_owner_rep_id() }}' as rep_id,
        'company' as grain,
        'all' as grain_id
    from unowned_records
)

select * from memberships
