{#- Time in stage: one row per grain, grain id, fiscal period and open funnel stage: the
    visits to the stage that ended in the period (for the deal's owner when it ended), their
    count, total, mean and median days. Rows exist for every stage and period. The ended visits
    and their owners at exit come from int_stage_visits_ended. -#}

with spine as (
    select * from {{ ref('int_kpi_grain_periods') }}
),

funnel as (
    select * from {{ ref('stg_crm__stage_funnel') }}
),

visits as (
    select * from {{ ref('int_stage_visits_ended') }}
),

rep_grain_memberships as (
    select * from {{ ref('int_rep_grain_memberships') }}
),

open_stages as (
    select
        stage_name,
        stage_order
    from funnel
    where not is_closed
),

exited_attributed as (
    {{ attribute_to_grains_and_periods('visits', 'owner_id', 'exited_date', 'rep_grain_memberships', 'rep_id') }}
),

stats as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        stage_name,
        count(*) as exited_visit_count,
        {{ publish_sum('days_in_stage', 'days') }} as days_in_stage_sum,
        {{ percentile_cont('days_in_stage', 0.5) }} as median_days_in_stage
    from exited_attributed
    group by grain, grain_id, period_grain, period_start, stage_name
),

final as (
    select
        spine.grain,
        spine.grain_id,
        spine.grain_name,
        spine.period_grain,
        spine.period_start,
        spine.period_end,
        open_stages.stage_name,
        open_stages.stage_order,
        stats.median_days_in_stage,
        coalesce(stats.exited_visit_count, 0) as exited_visit_count,
        coalesce(stats.days_in_stage_sum, 0) as days_in_stage_sum,
        stats.days_in_stage_sum / nullif(stats.exited_visit_count, 0) as avg_days_in_stage
    from spine
    cross join open_stages
    left join stats
        on
            spine.grain = stats.grain
            and spine.grain_id = stats.grain_id
            and spine.period_grain = stats.period_grain
            and spine.period_start = stats.period_start
            and open_stages.stage_name = stats.stage_name
)

{{ select_contract_columns('final') }}
