{#- One row per rep per reporting grain the rep rolls up to: the rep itself ('rep', rep id),
    the rep's team ('team', manager id) and the company ('company', 'all'). KPI tables join
    deal events to this to compute team and company rows from the deals themselves. -#}

with reps as (
    select * from {{ ref('int_reps_identified') }}
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
)

select * from memberships
