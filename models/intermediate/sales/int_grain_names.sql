{#- One row per reporting grain ('rep', 'team', 'company') and grain id: the grain's name, from
    int_reps_identified (the one place names live): the rep's name, the team's name (the one
    its reps carry), 'Company'; the id where no name is known. Every mart that names its rows
    (grain_name) takes the name from here, through int_kpi_grain_periods or directly. -#}

with memberships as (
    select distinct
        grain,
        grain_id
    from {{ ref('int_rep_grain_memberships') }}
),

reps as (
    select * from {{ ref('int_reps_identified') }}
),

-- a team's name is the one its reps carry (the manager's name, 'No manager' for 'unassigned')
team_names as (
    select
        team_id,
        min(team_name) as team_name
    from reps
    group by team_id
),

named_grains as (
    select
        memberships.grain,
        memberships.grain_id,
        case memberships.grain
            when 'company' then 'Company'
            when 'team' then coalesce(team_names.team_name, memberships.grain_id)
            else coalesce(reps.rep_name, memberships.grain_id)
        end as grain_name
    from memberships
    left join reps
        on memberships.grain = 'rep' and memberships.grain_id = reps.rep_id
    left join team_names
        on memberships.grain = 'team' and memberships.grain_id = team_names.team_id
)

select * from named_grains
