{#- Time in stage lever: one row per grain (rep, team, company), grain id and fiscal period
    with ended stage visits. A visit of an open funnel stage that has ended counts for the
    deal's owner when it ended, in the period of its end: how many, the sum and the median of
    their days in stage (the ended visits and owners of int_stage_visits_ended). -#}

with visits as (
    select * from {{ ref('int_stage_visits_ended') }}
),

rep_grain_memberships as (
    select * from {{ ref('int_rep_grain_memberships') }}
),

visits_attributed as (
    {{ attribute_to_grains_and_periods('visits', 'owner_id', 'exited_date', 'rep_grain_memberships', 'rep_id') }}
),

time_in_stage as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        count(*) as exited_visit_count,
        {{ publish_sum('days_in_stage', 'days') }} as days_in_stage_sum,
        {{ percentile_cont('days_in_stage', 0.5) }} as median_days_in_stage
    from visits_attributed
    group by grain, grain_id, period_grain, period_start
)

select * from time_in_stage
