{#- One row per grain ('rep', 'team', 'company'), grain id and fiscal period (month, quarter,
    year): the rows every KPI table has, whether or not anything happened then. -#}

with memberships as (
    select distinct
        grain,
        grain_id
    from {{ ref('int_rep_grain_memberships') }}
),

periods as (
    select * from {{ ref('int_fiscal_periods') }}
),

spine as (
    select
        memberships.grain,
        memberships.grain_id,
        periods.period_grain,
        periods.period_start,
        periods.period_end
    from memberships
    cross join periods
)

select * from spine
