{#- Stage-to-stage conversion: one row per grain, grain id, fiscal period and open funnel
    stage: of the deals that first entered the stage in the period (for their owner then),
    how many later entered any stage after it (the lost stage does not count).
    Rows exist for every stage and period, with zero counts. -#}

with spine as (
    select * from {{ ref('int_kpi_grain_periods') }}
),

funnel as (
    select * from {{ ref('stg_salesforce__stage_funnel') }}
),

entries as (
    select * from {{ ref('int_stage_entries') }}
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

later_progress as (
    select
        entries.opportunity_id,
        entries.stage_name,
        entries.first_entered_at,
        entries.stage_order,
        max(case
            when
                later.stage_order > entries.stage_order and later.first_entered_at > entries.first_entered_at
                and not (later_funnel.is_closed and not later_funnel.is_won) then 1
            else 0
        end) as has_advanced
    from entries
    inner join open_stages
        on entries.stage_name = open_stages.stage_name
    inner join entries as later
        on entries.opportunity_id = later.opportunity_id
    inner join funnel as later_funnel
        on later.stage_name = later_funnel.stage_name
    where entries.first_entered_at is not null
    group by entries.opportunity_id, entries.stage_name, entries.first_entered_at, entries.stage_order
),

entered as (
    select
        later_progress.stage_name,
        later_progress.has_advanced,
        owners.owner_id,
        {{ to_reporting_date('later_progress.first_entered_at') }} as entered_date
    from later_progress
    inner join owners
        on
            later_progress.opportunity_id = owners.opportunity_id
            and later_progress.first_entered_at >= owners.valid_from
            and (owners.valid_to is null or later_progress.first_entered_at < owners.valid_to)
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
