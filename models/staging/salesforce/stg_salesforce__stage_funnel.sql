{{ config(materialized='table') }}

{#- The ordered sales funnel. Source, in order of preference:
      stage_definitions  the export's OpportunityStage object, when present;
      seed               the seed stage_order, when it names the stage of at least
                         var('stage_seed_min_coverage') of the opportunity and history rows;
      inferred           otherwise, from the export itself: open stages ordered by the
                         median probability recorded on them, then forecast category,
                         then where they first appear in deals' histories; closed and won
                         stages from the opportunities' IsClosed/IsWon flags.
    Open stages get stage_order 1..n, then the won stage(s), then the lost stage(s). -#}

with
{{ salesforce_typed_ctes('opportunity', prefix='opportunity_') }},

{{ salesforce_typed_ctes('opportunity_history', prefix='history_') }},

stage_definitions as (
    select * from {{ ref('stg_salesforce__opportunity_stages') }}
),

seed_stages as (
    select * from {{ ref('stage_order') }}
),

opportunity_stage_rows as (
    select
        stage_name,
        probability,
        forecast_category_name as forecast_category,
        is_closed,
        is_won,
        cast(null as {{ dbt.type_string() }}) as opportunity_id_for_order,
        created_date
    from opportunity_typed
    where _parse_failure is null and stage_name is not null
),

history_stage_rows as (
    select
        stage_name,
        probability,
        forecast_category,
        cast(null as boolean) as is_closed,
        cast(null as boolean) as is_won,
        opportunity_id as opportunity_id_for_order,
        created_date
    from history_typed
    where _parse_failure is null and stage_name is not null
),

observed_rows as (
    select * from opportunity_stage_rows
    union all
    select * from history_stage_rows
),

observed as (
    select
        {{ stage_key('stage_name') }} as stage_key,
        observed_rows.*
    from observed_rows
),

seed_keys as (
    select
        {{ stage_key('stage_name') }} as stage_key,
        seed_stages.*
    from seed_stages
),

definition_counts as (
    select count(*) as definition_count
    from stage_definitions
),

seed_coverage as (
    select
        count(*) as observed_count,
        sum(case when seed_keys.stage_key is not null then 1 else 0 end) as covered_count
    from observed
    left join seed_keys
        on observed.stage_key = seed_keys.stage_key
),

choice as (
    select
        case
            when definition_counts.definition_count > 0 then 'stage_definitions'
            when seed_coverage.observed_count = 0 then 'seed'
            when seed_coverage.covered_count >= {{ var('stage_seed_min_coverage') }} * seed_coverage.observed_count
                then 'seed'
            else 'inferred'
        end as funnel_source
    from definition_counts
    cross join seed_coverage
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
        forecast_category
    from stage_definitions
),

from_seed as (
    select
        stage_name,
        stage_key,
        cast(null as {{ dbt.type_string() }}) as label_key,
        stage_order as sort_position,
        true as is_active,
        is_closed,
        is_won,
        default_probability / 100.0 as default_probability_rate,
        forecast_category_name as forecast_category
    from seed_keys
),

spellings as (
    select
        stage_key,
        stage_name,
        row_number() over (partition by stage_key order by count(*) desc, stage_name) as spelling_rank
    from observed
    group by stage_key, stage_name
),

first_entries as (
    select
        opportunity_id_for_order,
        stage_key,
        row_number() over (
            partition by opportunity_id_for_order order by min(created_date), stage_key
        ) as entry_position
    from observed
    where opportunity_id_for_order is not null
    group by opportunity_id_for_order, stage_key
),

entry_positions as (
    select
        stage_key,
        avg(entry_position) as avg_entry_position
    from first_entries
    group by stage_key
),

forecast_ranks as (
    select
        stage_key,
        forecast_category,
        row_number() over (partition by stage_key order by count(*) desc, forecast_category) as category_rank
    from observed
    where forecast_category is not null
    group by stage_key, forecast_category
),

stage_statistics as (
    select
        stage_key,
        {{ percentile_cont('probability', 0.5) }} as median_probability,
        avg(case when is_closed then 1.0 when not is_closed then 0.0 end) as closed_share,
        avg(case when is_won then 1.0 when not is_won then 0.0 end) as won_share
    from observed
    group by stage_key
),

inferred_flags as (
    select
        stage_statistics.stage_key,
        spellings.stage_name,
        stage_statistics.median_probability,
        forecast_ranks.forecast_category,
        entry_positions.avg_entry_position,
        coalesce(
            stage_statistics.won_share > 0.5,
            stage_statistics.median_probability >= 100
        ) as is_won,
        coalesce(
            stage_statistics.closed_share > 0.5,
            stage_statistics.median_probability >= 100
            or (stage_statistics.median_probability <= 0 and forecast_ranks.forecast_category = 'Omitted')
        ) as is_closed
    from stage_statistics
    inner join spellings
        on stage_statistics.stage_key = spellings.stage_key and spellings.spelling_rank = 1
    left join forecast_ranks
        on stage_statistics.stage_key = forecast_ranks.stage_key and forecast_ranks.category_rank = 1
    left join entry_positions
        on stage_statistics.stage_key = entry_positions.stage_key
),

from_inference as (
    select
        stage_name,
        stage_key,
        cast(null as {{ dbt.type_string() }}) as label_key,
        row_number() over (
            order by
                coalesce(median_probability, 0),
                case forecast_category
                    when 'Pipeline' then 1 when 'Best Case' then 2 when 'Commit' then 3 else 0
                end,
                coalesce(avg_entry_position, 0),
                stage_key
        ) as sort_position,
        true as is_active,
        coalesce(is_closed, false) as is_closed,
        coalesce(is_won, false) and coalesce(is_closed, false) as is_won,
        median_probability / 100.0 as default_probability_rate,
        forecast_category
    from inferred_flags
),

candidates as (
    select
        from_definitions.*,
        'stage_definitions' as funnel_source
    from from_definitions
    union all
    select
        from_seed.*,
        'seed' as funnel_source
    from from_seed
    union all
    select
        from_inference.*,
        'inferred' as funnel_source
    from from_inference
),

chosen as (
    select candidates.*
    from candidates
    inner join choice
        on candidates.funnel_source = choice.funnel_source
),

ordered as (
    select
        stage_name,
        stage_key,
        label_key,
        cast(row_number() over (
            order by
                case when not is_closed then 0 when is_won then 1 else 2 end,
                sort_position,
                stage_key
        ) as integer) as stage_order,
        is_closed,
        is_won,
        is_active,
        default_probability_rate,
        forecast_category,
        funnel_source
    from chosen
)

select * from ordered
