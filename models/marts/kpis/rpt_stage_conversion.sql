{#- Stage-to-stage conversion: one row per grain, grain id, fiscal period and open funnel
    stage: of the deals that first entered the stage in the period (for their owner then),
    how many later entered any stage after it (the lost stage does not count). "Later" is
    any later transition, re-entries included, so a deal that went back and forth still
    counts as having advanced.
    Rows exist for every stage and period, with zero counts. -#}

with spine as (
    select * from {{ ref('int_kpi_grain_periods') }}
),

funnel as (
    select * from {{ ref('stg_salesforce__stage_funnel') }}
),

transitions as (
    select * from {{ ref('int_stage_transitions') }}
),

owners as (
    select * from {{ ref('int_opportunity_owners_historized') }}
),

open_stages as (
    select
        stage_name,
        stage_order
    from funnel
    where not is_closed
),

first_entries as (
    select
        transitions.opportunity_id,
        transitions.to_stage_name as stage_name,
        min(transitions.transition_number) as entry_transition_number
    from transitions
    inner join open_stages
        on transitions.to_stage_name = open_stages.stage_name
    group by transitions.opportunity_id, transitions.to_stage_name
),

later_progress as (
    select
        first_entries.opportunity_id,
        first_entries.stage_name,
        entry.changed_at as first_entered_at,
        max(case when later_funnel.stage_name is not null then 1 else 0 end) as has_advanced
    from first_entries
    inner join transitions as entry
        on
            first_entries.opportunity_id = entry.opportunity_id
            and first_entries.entry_transition_number = entry.transition_number
    left join transitions as later
        on
            first_entries.opportunity_id = later.opportunity_id
            and first_entries.entry_transition_number < later.transition_number
            and entry.to_stage_order < later.to_stage_order
    left join funnel as later_funnel
        on
            later.to_stage_name = later_funnel.stage_name
            and not (later_funnel.is_closed and not later_funnel.is_won)
    group by first_entries.opportunity_id, first_entries.stage_name, entry.changed_at
),

entered as (
    select
        later_progress.stage_name,
        later_progress.has_advanced,
        owners.owner_id,
        {{ to_reporting_date('later_progress.first_entered_at') }} as entered_date
    from later_progress
    inner join owners
        on {{ owner_at('owners', 'later_progress.opportunity_id', 'later_progress.first_entered_at') }}
),

entered_attributed as (
    {{ attribute_to_grains_and_periods('entered', 'owner_id', 'entered_date') }}
),

counts as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        stage_name,
        count(*) as entered_count,
        sum(has_advanced) as advanced_count
    from entered_attributed
    group by grain, grain_id, period_grain, period_start, stage_name
),

final as (
    select
        spine.grain,
        spine.grain_id,
        spine.period_grain,
        spine.period_start,
        spine.period_end,
        open_stages.stage_name,
        open_stages.stage_order,
        coalesce(counts.entered_count, 0) as entered_count,
        coalesce(counts.advanced_count, 0) as advanced_count,
        cast(counts.advanced_count as {{ type_double() }}) / nullif(counts.entered_count, 0) as stage_conversion_rate
    from spine
    cross join open_stages
    left join counts
        on
            spine.grain = counts.grain
            and spine.grain_id = counts.grain_id
            and spine.period_grain = counts.period_grain
            and spine.period_start = counts.period_start
            and open_stages.stage_name = counts.stage_name
)

{{ select_contract_columns('final') }}
