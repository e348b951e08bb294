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
    Rows exist for every stage and period, with zero counts. -#}

with spine as (
    select * from {{ ref('int_kpi_grain_periods') }}
),

funnel as (
    select * from {{ ref('stg_crm__stage_funnel') }}
),

transitions as (
    select * from {{ ref('int_stage_transitions') }}
),

owners as (
    select * from {{ ref('int_opportunity_owners_historized') }}
),

as_of as (
    select as_of from {{ ref('stg_crm__export_as_of') }}
),

open_stages as (
    select
        stage_name,
        stage_order
    from funnel
    where not is_closed
),

-- the deals open at the as-of time: their last stage change went to an open stage
last_transitions as (
    select
        opportunity_id,
        max(transition_number) as last_transition_number
    from transitions
    group by opportunity_id
),

open_deals as (
    select last_transitions.opportunity_id
    from last_transitions
    inner join transitions
        on
            last_transitions.opportunity_id = transitions.opportunity_id
            and last_transitions.last_transition_number = transitions.transition_number
    inner join funnel
        on transitions.to_stage_name = funnel.stage_name
    where not funnel.is_closed
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
        max(case when later_funnel.stage_name is not null then 1 else 0 end) as has_advanced,
        max(case when open_deals.opportunity_id is not null then 1 else 0 end) as is_open_at_as_of
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
    left join open_deals
        on first_entries.opportunity_id = open_deals.opportunity_id
    group by first_entries.opportunity_id, first_entries.stage_name, entry.changed_at
),

entered as (
    select
        later_progress.stage_name,
        later_progress.has_advanced,
        (1 - later_progress.has_advanced) * later_progress.is_open_at_as_of as is_still_open,
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
