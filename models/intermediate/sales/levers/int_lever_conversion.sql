{#- Stage conversion lever: one row per grain (rep, team, company), grain id and fiscal period
    of rpt_stage_conversion: its per-stage entries and advances summed over all open stages. -#}

with stage_conversion as (
    select * from {{ ref('rpt_stage_conversion') }}
),

conversion as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        sum(entered_count) as stage_entry_count,
        sum(advanced_count) as stage_advance_count
    from stage_conversion
    group by grain, grain_id, period_grain, period_start
)

select * from conversion
