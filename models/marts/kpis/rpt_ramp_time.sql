{#- Ramp time of a team: one row per grain (rep, team, company), grain id and fiscal period
    (month, quarter, year; no week: ramp is counted in months) of int_kpi_grain_periods. The
    cohort is the grain's reps (current team, int_rep_grain_memberships) whose start month
    (fct_rep_ramp) falls in the 12 months before the period end; of them, those ramped by
    the period end (ramped month before it) give the median months to ramp, and those not
    ramped by then are counted apart (not_yet_ramped_rep_count), never in the median. -#}

with spine as (
    select * from {{ ref('int_kpi_grain_periods') }}
    where {{ is_month_period_grain('period_grain') }}
),

ramps as (
    select * from {{ ref('fct_rep_ramp') }}
),

rep_grain_memberships as (
    select * from {{ ref('int_rep_grain_memberships') }}
),

ramps_attributed as (
    {{ attribute_to_grains('ramps', 'rep_id', 'rep_grain_memberships', 'rep_id') }}
),

-- the reps of the grain who started in the 12 months before the period end
cohorts as (
    select
        spine.grain,
        spine.grain_id,
        spine.period_grain,
        spine.period_start,
        ramps_attributed.rep_id,
        case
            when ramps_attributed.ramped_month < spine.period_end then ramps_attributed.months_to_ramp
        end as months_to_ramp_by_period_end
    from spine
    inner join ramps_attributed
        on
            spine.grain = ramps_attributed.grain
            and spine.grain_id = ramps_attributed.grain_id
            and cast({{ dbt.dateadd('month', -12, 'spine.period_end') }} as date) <= ramps_attributed.start_month
            and spine.period_end > ramps_attributed.start_month
),

cohort_ramps as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        count(*) as started_rep_count,
        count(months_to_ramp_by_period_end) as ramped_rep_count,
        {{ percentile_cont('months_to_ramp_by_period_end', 0.5) }} as median_months_to_ramp
    from cohorts
    group by grain, grain_id, period_grain, period_start
),

ramp_time as (
    select
        spine.grain,
        spine.grain_id,
        spine.grain_name,
        spine.period_grain,
        spine.period_start,
        spine.period_end,
        cohort_ramps.median_months_to_ramp,
        coalesce(cohort_ramps.started_rep_count, 0) as started_rep_count,
        coalesce(cohort_ramps.ramped_rep_count, 0) as ramped_rep_count,
        coalesce(cohort_ramps.started_rep_count, 0) - coalesce(cohort_ramps.ramped_rep_count, 0)
            as not_yet_ramped_rep_count
    from spine
    left join cohort_ramps
        on
            spine.grain = cohort_ramps.grain
            and spine.grain_id = cohort_ramps.grain_id
            and spine.period_grain = cohort_ramps.period_grain
            and spine.period_start = cohort_ramps.period_start
)

{{ select_contract_columns('ramp_time') }}
