{{ config(materialized='table') }}

{#- The ordered sales funnel, one row per stage: every stage a deal can be in, none dropped.
      defined stages   the export's OpportunityStage object when present (all its stages);
                       otherwise the seed stage_order (Salesforce's default stages) restricted
                       to the stages the opportunity and history rows record: a sales process
                       uses a subset, and a stage no deal is in must not count as skipped;
      inferred stages  a stage the rows record that the definitions in use do not name. Its
                       closed and won flags come from the opportunities' IsClosed/IsWon (a
                       majority), else from its probability (100: won; 0 and Omitted: lost);
                       an open one is placed after the last defined open stage whose
                       probability is at most its recorded median probability (ties: defined
                       stage first), or after the last defined open stage when no row records
                       a probability. The defined stages' probabilities are the org's own: the
                       OpportunityStage default, or for seed stages the median the rows record
                       (the seed's Salesforce default when none does). Inferred stages that
                       share a place are ordered by probability, forecast category, then where
                       they first appear in deals' histories.
    Open stages get stage_order 1..n, then the won stage(s), then the lost stage(s).
    is_skippable: passing over the stage without entering it counts as skipping it. False for
    a retired stage definition (IsActive false: it keeps its place, and its visits count, but
    not entering it is no skip); false for an inferred stage placed among defined open stages
    (its place is a guess, and nothing says the deals that did not use it should have); true
    for every other stage, also when no open stage is defined and the whole order is
    inferred. -#}

with recorded as (
    select * from {{ ref('stg_salesforce__recorded_stages') }}
),

stage_definitions as (
    select * from {{ ref('stg_salesforce__opportunity_stages') }}
),

seed_stages as (
    select * from {{ ref('stage_order') }}
),

definition_counts as (
    select count(*) as definition_count
    from stage_definitions
),

from_definitions as (
    select
        stage_name,
        {{ stage_key('stage_name') }} as stage_key,
        {{ stage_key('stage_label') }} as label_key,
        sort_order as sort_position,
        is_active,
        is_closed,
        is_won,
        default_probability_rate,
        forecast_category,
        'stage_definitions' as funnel_source
    from stage_definitions
),

from_seed as (
    select
        seed_stages.stage_name,
        recorded.stage_key,
        cast(null as {{ dbt.type_string() }}) as label_key,
        seed_stages.stage_order as sort_position,
        true as is_active,
        seed_stages.is_closed,
        seed_stages.is_won,
        seed_stages.default_probability / 100.0 as default_probability_rate,
        seed_stages.forecast_category_name as forecast_category,
        'seed' as funnel_source
    from seed_stages
    cross join definition_counts
    inner join recorded
        on {{ stage_key('seed_stages.stage_name') }} = recorded.stage_key
    where definition_counts.definition_count = 0
),

defined as (
    select * from from_definitions
    union all
    select * from from_seed
),

defined_keys as (
    select stage_key as lookup_key
    from defined
    union all
    select label_key as lookup_key
    from defined
    where label_key is not null
),

-- the probability a defined open stage is compared with, 0..100: the org's own
defined_open_stages as (
    select
        defined.stage_key,
        case
            when defined.funnel_source = 'stage_definitions'
                then coalesce(100 * defined.default_probability_rate, recorded.median_probability)
            else coalesce(recorded.median_probability, 100 * defined.default_probability_rate)
        end as reference_probability,
        row_number() over (order by defined.sort_position, defined.stage_key) as open_rank
    from defined
    left join recorded
        on defined.stage_key = recorded.stage_key
    where not defined.is_closed
),

defined_open_counts as (
    select count(*) as defined_open_count
    from defined_open_stages
),

unknown as (
    select recorded.*
    from recorded
    left join defined_keys
        on recorded.stage_key = defined_keys.lookup_key
    where defined_keys.lookup_key is null
),

unknown_flags as (
    select
        stage_key,
        stage_name,
        median_probability,
        forecast_category,
        avg_entry_position,
        coalesce(
            closed_share > 0.5,
            median_probability >= 100
            or (median_probability <= 0 and forecast_category = 'Omitted')
        ) as is_closed,
        coalesce(won_share > 0.5, median_probability >= 100) as is_won
    from unknown
),

unknown_anchors as (
    select
        unknown_flags.stage_key,
        case
            when unknown_flags.median_probability is null then defined_open_counts.defined_open_count
            else coalesce(max(defined_open_stages.open_rank), 0)
        end as anchor_rank
    from unknown_flags
    cross join defined_open_counts
    left join defined_open_stages
        -- (a hair of tolerance: a rate times 100 is not always the exact percentage)
        on defined_open_stages.reference_probability <= unknown_flags.median_probability + 0.000001
    group by unknown_flags.stage_key, unknown_flags.median_probability, defined_open_counts.defined_open_count
),

candidates as (
    select
        defined.stage_name,
        defined.stage_key,
        defined.label_key,
        defined.is_closed,
        defined.is_won,
        defined.is_active,
        defined.default_probability_rate,
        defined.forecast_category,
        defined.funnel_source,
        false as is_inferred_stage,
        -- a retired stage (IsActive false) is not one a deal should pass through any more
        defined.is_active as is_skippable,
        coalesce(defined_open_stages.open_rank, 0) as anchor_rank,
        defined.sort_position,
        cast(null as {{ type_double() }}) as median_probability,
        cast(null as {{ type_double() }}) as avg_entry_position
    from defined
    left join defined_open_stages
        on defined.stage_key = defined_open_stages.stage_key
    union all
    select
        unknown_flags.stage_name,
        unknown_flags.stage_key,
        cast(null as {{ dbt.type_string() }}) as label_key,
        coalesce(unknown_flags.is_closed, false) as is_closed,
        coalesce(unknown_flags.is_won, false) and coalesce(unknown_flags.is_closed, false) as is_won,
        true as is_active,
        unknown_flags.median_probability / 100.0 as default_probability_rate,
        unknown_flags.forecast_category,
        'inferred' as funnel_source,
        true as is_inferred_stage,
        defined_open_counts.defined_open_count = 0 as is_skippable,
        case when coalesce(unknown_flags.is_closed, false) then 0 else unknown_anchors.anchor_rank end as anchor_rank,
        cast(null as integer) as sort_position,
        unknown_flags.median_probability,
        unknown_flags.avg_entry_position
    from unknown_flags
    cross join defined_open_counts
    inner join unknown_anchors
        on unknown_flags.stage_key = unknown_anchors.stage_key
),

ordered as (
    select
        stage_name,
        stage_key,
        label_key,
        cast(row_number() over (
            order by
                case when not is_closed then 0 when is_won then 1 else 2 end,
                anchor_rank,
                case when is_inferred_stage then 1 else 0 end,
                sort_position,
                case when median_probability is null then 1 else 0 end,
                median_probability,
                case forecast_category
                    when 'Pipeline' then 1 when 'Best Case' then 2 when 'Commit' then 3 else 0
                end,
                coalesce(avg_entry_position, 0),
                stage_key
        ) as integer) as stage_order,
        is_closed,
        is_won,
        is_active,
        default_probability_rate,
        forecast_category,
        funnel_source,
        is_inferred_stage,
        is_skippable
    from candidates
)

select * from ordered
