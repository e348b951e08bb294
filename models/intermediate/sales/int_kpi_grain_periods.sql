{#- One row per grain ('rep', 'team', 'company'), grain id and fiscal period (month, quarter,
    year): the rows every KPI table has, whether or not anything happened then, with the
    grain's name (int_grain_names: the rep's name, the team's name, 'Company'). -#}

with named_grains as (
    select * from {{ ref('int_grain_names') }}
),

periods as (
    select * from {{ ref('int_fiscal_periods') }}
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
