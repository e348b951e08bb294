{#- One row per stage transition of an opportunity: a history row that changes the stage
    (case and spacing do not count as a change), the first row being the creation. Each is
    classified (created, forward, skip, backward, closed_won, closed_lost, reopen), counted
    for stages skipped, and flagged for manual skips, batch logging and progression without
    interactions. Definitions: docs block stage_progression. -#}

with sequenced as (
    select * from {{ ref('int_opportunity_history_sequenced') }}
),

funnel as (
    select * from {{ ref('stg_crm__stage_funnel') }}
),

interactions as (
    select * from {{ ref('int_interactions_unified') }}
),

with_previous as (
    select
        sequenced.*,
        lag(sequenced.stage_name) over (
            partition by sequenced.opportunity_id order by sequenced.history_sequence
        ) as previous_stage_name
    from sequenced
),

stage_changes as (
    select
        opportunity_id,
        opportunity_history_id,
        changed_at,
        changed_by_user_id,
        change_source,
        is_inferred_from_deal,
        stage_name as to_stage_name,
        stage_order as to_stage_order,
        is_closed_stage as to_is_closed,
        is_won_stage as to_is_won,
        row_number() over (partition by opportunity_id order by history_sequence) as transition_number
    from with_previous
    where previous_stage_name is null or previous_stage_name <> stage_name
),

transitions as (
    select
        stage_changes.*,
        lag(stage_changes.to_stage_name) over (
            partition by stage_changes.opportunity_id order by stage_changes.transition_number
        ) as from_stage_name,
        lag(stage_changes.to_stage_order) over (
            partition by stage_changes.opportunity_id order by stage_changes.transition_number
        ) as from_stage_order,
        lag(stage_changes.to_is_closed) over (
            partition by stage_changes.opportunity_id order by stage_changes.transition_number
        ) as from_is_closed
    from stage_changes
),

first_entries as (
    select
        opportunity_id,
        to_stage_name as stage_name,
        min(transition_number) as first_transition_number
    from transitions
    group by opportunity_id, to_stage_name
),

-- the open stages a move can skip (an inferred stage placed among defined ones cannot: see
-- is_skippable in stg_crm__stage_funnel)
open_stages as (
    select
        stage_name,
        stage_order
    from funnel
    where not is_closed and is_skippable
),

-- forward moves (and creations) pass over the open stages between where the deal was and
-- where it went; a passed stage the deal had never entered before is skipped
passed_stages as (
    select
        transitions.opportunity_id,
        transitions.transition_number,
        open_stages.stage_name,
        open_stages.stage_order
    from transitions
    inner join open_stages
        on
            transitions.to_stage_order > open_stages.stage_order
            and open_stages.stage_order > coalesce(transitions.from_stage_order, 0)
    where
        (transitions.transition_number = 1 and not (transitions.to_is_closed and not transitions.to_is_won))
        or (
            transitions.transition_number > 1
            and not transitions.from_is_closed
            and transitions.to_stage_order > transitions.from_stage_order
            and not (transitions.to_is_closed and not transitions.to_is_won)
        )
),

skipped_stages as (
    select
        passed_stages.opportunity_id,
        passed_stages.transition_number,
        count(*) as skipped_stage_count,
        {{ dbt.listagg('passed_stages.stage_name', "', '", 'order by passed_stages.stage_order') }}
            as skipped_stage_names
    from passed_stages
    left join first_entries
        on
            passed_stages.opportunity_id = first_entries.opportunity_id
            and passed_stages.stage_name = first_entries.stage_name
            and passed_stages.transition_number > first_entries.first_transition_number
    where first_entries.opportunity_id is null
    group by passed_stages.opportunity_id, passed_stages.transition_number
),

classified as (
    select
        transitions.opportunity_id,
        transitions.transition_number,
        transitions.opportunity_history_id,
        transitions.from_stage_name,
        transitions.to_stage_name,
        transitions.from_stage_order,
        transitions.to_stage_order,
        transitions.changed_at,
        transitions.changed_by_user_id,
        cast(coalesce(skipped_stages.skipped_stage_count, 0) as integer) as skipped_stage_count,
        skipped_stages.skipped_stage_names,
        transitions.is_inferred_from_deal,
        transitions.change_source,
        case
            when transitions.transition_number = 1 then 'created'
            when transitions.from_is_closed and not transitions.to_is_closed then 'reopen'
            when transitions.to_is_closed and transitions.to_is_won then 'closed_won'
            when transitions.to_is_closed then 'closed_lost'
            when transitions.to_stage_order < transitions.from_stage_order then 'backward'
            when coalesce(skipped_stages.skipped_stage_count, 0) > 0 then 'skip'
            else 'forward'
        end as transition_type
    from transitions
    left join skipped_stages
        on
            transitions.opportunity_id = skipped_stages.opportunity_id
            and transitions.transition_number = skipped_stages.transition_number
),

batch_neighbours as (
    select
        classified.*,
        lag(classified.changed_at) over (
            partition by classified.opportunity_id, classified.changed_by_user_id
            order by classified.changed_at, classified.transition_number
        ) as previous_change_by_same_user_at,
        lead(classified.changed_at) over (
            partition by classified.opportunity_id, classified.changed_by_user_id
            order by classified.changed_at, classified.transition_number
        ) as next_change_by_same_user_at
    from classified
),

export_has_interactions as (
    select count(*) > 0 as has_interactions
    from interactions
),

supported as (
    select
        batch_neighbours.opportunity_id,
        batch_neighbours.transition_number,
        count(interactions.interaction_id) as interactions_in_window
    from batch_neighbours
    left join interactions
        on
            batch_neighbours.opportunity_id = interactions.opportunity_id
            and batch_neighbours.changed_at >= interactions.occurred_at
            and interactions.occurred_at
            > {{ dbt.dateadd('day', -1 * var('unsupported_progression_window_days'), 'batch_neighbours.changed_at') }}
    where batch_neighbours.transition_type in ('forward', 'skip', 'closed_won')
    group by batch_neighbours.opportunity_id, batch_neighbours.transition_number
),

flagged as (
    select
        batch_neighbours.opportunity_id,
        batch_neighbours.transition_number,
        batch_neighbours.opportunity_history_id,
        batch_neighbours.from_stage_name,
        batch_neighbours.to_stage_name,
        batch_neighbours.from_stage_order,
        batch_neighbours.to_stage_order,
        batch_neighbours.changed_at,
        batch_neighbours.changed_by_user_id,
        batch_neighbours.change_source,
        batch_neighbours.transition_type,
        batch_neighbours.skipped_stage_count,
        batch_neighbours.skipped_stage_names,
        (
            batch_neighbours.skipped_stage_count > 0
            and batch_neighbours.change_source = 'manual'
            -- a creation inferred for a deal without history: who made it is unknown
            and not batch_neighbours.is_inferred_from_deal
        ) as is_manual_skip,
        (
            batch_neighbours.changed_by_user_id is not null
            and (
                coalesce(
                    {{ days_between('batch_neighbours.previous_change_by_same_user_at',
                                    'batch_neighbours.changed_at') }}
                    * 1440 <= {{ var('batch_logging_window_minutes') }}, false
                )
                or coalesce(
                    {{ days_between('batch_neighbours.changed_at', 'batch_neighbours.next_change_by_same_user_at') }}
                    * 1440 <= {{ var('batch_logging_window_minutes') }}, false
                )
            )
        ) as is_batch_logged,
        case
            when not export_has_interactions.has_interactions then null
            when batch_neighbours.transition_type in ('forward', 'skip', 'closed_won')
                then supported.interactions_in_window = 0
            else false
        end as is_unsupported_progression,
        batch_neighbours.is_inferred_from_deal
    from batch_neighbours
    cross join export_has_interactions
    left join supported
        on
            batch_neighbours.opportunity_id = supported.opportunity_id
            and batch_neighbours.transition_number = supported.transition_number
)

select * from flagged
