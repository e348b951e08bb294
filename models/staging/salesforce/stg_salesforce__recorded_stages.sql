{{ config(materialized='table') }}

{#- One row per stage name recorded on the export's opportunity and history rows (by matching
    key, stage_key): what the rows say about the stage, for stg_salesforce__stage_funnel.
    A row counts when it parses and is not deleted (a deal in the recycle bin does not make its
    stage part of the funnel), whatever a later check says of it: read from the base models
    (row_status not deleted, and no quarantine reason of salesforce_parse_failure_reasons),
    which leave the stage lookup to the staged models, the funnel's readers.
    With the var as_of set, rows created after it do not count (the funnel a past as-of infers
    is the one the export of that day would give); the var, not stg_salesforce__export_as_of,
    which reads the staged rows that read the funnel. Unset, the as-of time is the latest
    recorded time and every row counts. -#}
{%- set as_of_var = parse_timestamp_utc("'" ~ var('as_of') ~ "'") if var('as_of') is not none else 'null' %}

{%- set parses_and_is_live -%}
    row_status != 'deleted'
    and coalesce(quarantine_reason not in ('{{ salesforce_parse_failure_reasons() | join("', '") }}'), true)
{%- endset %}

with opportunity_rows as (
    select * from {{ ref('base_salesforce__opportunity_rows') }}
),

history_rows as (
    select * from {{ ref('base_salesforce__opportunity_history_rows') }}
),

opportunity_stage_rows as (
    select
        stage_name,
        probability,
        forecast_category_name as forecast_category,
        is_closed,
        is_won,
        cast(null as {{ dbt.type_string() }}) as opportunity_id,
        created_date,
        1 as is_opportunity_row
    from opportunity_rows
    where
        {{ parses_and_is_live }}
        and stage_name is not null
        and coalesce(created_date <= {{ as_of_var }}, true)
),

history_stage_rows as (
    select
        stage_name,
        probability,
        forecast_category,
        cast(null as boolean) as is_closed,
        cast(null as boolean) as is_won,
        opportunity_id,
        created_date,
        0 as is_opportunity_row
    from history_rows
    where
        {{ parses_and_is_live }}
        and stage_name is not null
        and coalesce(created_date <= {{ as_of_var }}, true)
),

recorded_rows as (
    select * from opportunity_stage_rows
    union all
    select * from history_stage_rows
),

keyed as (
    select
        {{ stage_key('stage_name') }} as stage_key,
        recorded_rows.*
    from recorded_rows
),

spellings as (
    select
        stage_key,
        stage_name,
        row_number() over (partition by stage_key order by count(*) desc, stage_name) as spelling_rank
    from keyed
    group by stage_key, stage_name
),

-- where a stage comes in the deals' histories: 1 for the first stage a deal was in, 2 for the
-- next new one, ...
first_entries as (
    select
        opportunity_id,
        stage_key,
        row_number() over (
            partition by opportunity_id order by min(created_date), stage_key
        ) as entry_position
    from keyed
    where opportunity_id is not null
    group by opportunity_id, stage_key
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
    from keyed
    where forecast_category is not null
    group by stage_key, forecast_category
),

stage_statistics as (
    select
        stage_key,
        sum(is_opportunity_row) as opportunity_row_count,
        sum(1 - is_opportunity_row) as history_row_count,
        {{ percentile_cont('probability', 0.5) }} as median_probability,
        avg(case when is_closed then 1.0 when not is_closed then 0.0 end) as closed_share,
        avg(case when is_won then 1.0 when not is_won then 0.0 end) as won_share
    from keyed
    group by stage_key
),

recorded_stages as (
    select
        stage_statistics.stage_key,
        spellings.stage_name,
        cast(stage_statistics.opportunity_row_count as integer) as opportunity_row_count,
        cast(stage_statistics.history_row_count as integer) as history_row_count,
        stage_statistics.median_probability,
        stage_statistics.closed_share,
        stage_statistics.won_share,
        forecast_ranks.forecast_category,
        entry_positions.avg_entry_position
    from stage_statistics
    inner join spellings
        on stage_statistics.stage_key = spellings.stage_key and spellings.spelling_rank = 1
    left join forecast_ranks
        on stage_statistics.stage_key = forecast_ranks.stage_key and forecast_ranks.category_rank = 1
    left join entry_positions
        on stage_statistics.stage_key = entry_positions.stage_key
)

select * from recorded_stages
