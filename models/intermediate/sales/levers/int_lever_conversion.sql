{#- Stage conversion lever: one row per grain (rep, team, company), grain id and fiscal period
    with stage entries: the deals' first entries into open stages (int_stage_conversion_entries,
    the cohorts rpt_stage_conversion counts per stage), for the owner at entry in the period of
    the entry, and how many of them advanced, over all open stages. -#}

with entries as (
    select * from {{ ref('int_stage_conversion_entries') }}
),

rep_grain_memberships as (
    select * from {{ ref('int_rep_grain_memberships') }}
),

entries_attributed as (
    {{ attribute_to_grains_and_periods('entries', 'owner_id', 'entered_date', 'rep_grain_memberships', 'rep_id') }}
),

conversion as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        count(*) as stage_entry_count,
        sum(has_advanced) as stage_advance_count
    from entries_attributed
    group by grain, grain_id, period_grain, period_start
)

select * from conversion
