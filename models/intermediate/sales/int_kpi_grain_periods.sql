{#- One row per grain ('rep', 'team', 'company'), grain id and fiscal period (month, quarter,
    year): the rows every KPI table has, whether or not anything happened then, with the
    grain's name from int_reps_identified (the one place names live): the rep's name, the
    team's name, 'Company'. -#}

with memberships as (
    select distinct
        grain,
        grain_id
    from {{ ref('int_rep_grain_memberships') }}
),

reps as (
    select * from {{ ref('int_reps_identified') }}
),

periods as (
    select * from {{ ref('int_fiscal_periods') }}
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
),

spine as (
    select
        named_grains.grain,
        named_grains.grain_id,
        named_grains.grain_name,
        periods.period_grain,
        periods.period_start,
        periods.period_end
    from named_grains
    cross join periods
)

select * from spine
