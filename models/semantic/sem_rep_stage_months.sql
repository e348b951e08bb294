{#- One row per rep, fiscal month and open stage: first entries into the stage and how many of
    them went on to a later stage (rep rows of rpt_stage_conversion, owner at entry). Both
    counts add up over months and reps. -#}

with conversion as (
    select * from {{ ref('rpt_stage_conversion') }}
    where grain = 'rep' and period_grain = 'month'
),

rep_stage_months as (
    select
        grain_id as rep_id,
        period_start as month_start,
        stage_name,
        stage_order,
        entered_count,
        advanced_count
    from conversion
)

select * from rep_stage_months
