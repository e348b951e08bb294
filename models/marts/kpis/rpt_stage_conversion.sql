{#- Stage-to-stage conversion: one row per grain, grain id, fiscal period and open funnel
    stage: of the deals that first entered the stage in the period (for their owner then),
    how many later entered any stage after it (the lost stage does not count). "Later" is
    any later transition, re-entries included, so a deal that went back and forth still
    counts as having advanced.
    A cohort (the deals of one row) is judged mature when few of its deals can still move:
    still_open_count counts those that have not advanced and are still open at the as-of time;
    is_cohort_mature is true when they are at most var stage_conversion_max_open_share of the
    deals that entered, or when the period ended var stage_conversion_mature_after_days or
    more before the as-of time; null when nothing entered.
    Rows exist for every stage and period, with zero counts. The deals' first entries, their
    owners then, whether they advanced and whether they are still open come from
    int_stage_conversion_entries; this model attributes and counts them. -#}

with spine as (
    select * from {{ ref('int_kpi_grain_periods') }}
),

funnel as (
    select * from {{ ref('stg_crm__stage_funnel') }}
),

entries as (
    select * from {{ ref('int_stage_conversion_entries') }}
),

as_of as (
    select as_of from {{ ref('stg_crm__export_as_of') }}
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

entered_attributed as (
    {{ attribute_to_grains_and_periods('entries', 'owner_id', 'entered_date', 'rep_grain_memberships', 'rep_id') }}
),

counts as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        stage_name,
        count(*) as entered_count,
        sum(has_advanced) as advanced_count,
        sum(is_still_open) as still_open_count
    from entered_attributed
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
        coalesce(counts.entered_count, 0) as entered_count,
        coalesce(counts.advanced_count, 0) as advanced_count,
        cast(counts.advanced_count as {{ type_double() }}) / nullif(counts.entered_count, 0) as stage_conversion_rate,
        coalesce(counts.still_open_count, 0) as still_open_count,
        -- mature: few deals left that can still advance, or the period long over
        {{ cohort_is_mature(
            'counts.entered_count', 'spine.period_end', 'as_of.as_of',
            var('stage_conversion_mature_after_days'), still_open_count='counts.still_open_count'
        ) }} as is_cohort_mature
    from spine
    cross join open_stages
    cross join as_of
    left join counts
        on
            spine.grain = counts.grain
            and spine.grain_id = counts.grain_id
            and spine.period_grain = counts.period_grain
            and spine.period_start = counts.period_start
            and open_stages.stage_name = counts.stage_name
)

{{ select_contract_columns('final') }}
