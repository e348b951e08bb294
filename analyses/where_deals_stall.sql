-- Where in the funnel do deals stall? Per open stage, in funnel order: how long finished
-- visits lasted (median, 75th percentile, mean, in days), how many deals sit in the stage now
-- and for how long, how many of those have been there longer than var stale_deal_days, and how
-- often the stage was skipped (a stage often skipped has a time in stage built on few visits).
with visits as (
    select * from {{ ref('fct_stage_visits') }}
),

entries as (
    select * from {{ ref('fct_stage_entries') }}
),

closed_stages as (
    select distinct stage_name
    from {{ ref('dim_opportunities') }}
    where is_closed
),

open_stage_visits as (
    select visits.*
    from visits
    left join closed_stages
        on visits.stage_name = closed_stages.stage_name
    where closed_stages.stage_name is null
),

finished_visits as (
    select
        stage_name,
        count(*) as exited_visit_count,
        {{ percentile_cont('days_in_stage', 0.5) }} as median_days_in_stage,
        {{ percentile_cont('days_in_stage', 0.75) }} as p75_days_in_stage,
        avg(days_in_stage) as avg_days_in_stage
    from open_stage_visits
    where not is_current_visit
    group by stage_name
),

current_visits as (
    select
        stage_name,
        count(*) as open_deal_count,
        {{ percentile_cont('days_in_stage', 0.5) }} as median_days_so_far,
        sum(case when days_in_stage > {{ var('stale_deal_days') }} then 1 else 0 end)
            as open_longer_than_stale_days_count
    from open_stage_visits
    where is_current_visit
    group by stage_name
),

skips as (
    select
        stage_name,
        stage_order,
        sum(case when is_skipped then 1 else 0 end) as skipped_count,
        sum(case when first_entered_at is not null then 1 else 0 end) as entered_count
    from entries
    group by stage_name, stage_order
),

stalls as (
    select
        skips.stage_order,
        skips.stage_name,
        finished_visits.exited_visit_count,
        finished_visits.median_days_in_stage,
        finished_visits.p75_days_in_stage,
        finished_visits.avg_days_in_stage,
        coalesce(current_visits.open_deal_count, 0) as open_deal_count,
        current_visits.median_days_so_far,
        coalesce(current_visits.open_longer_than_stale_days_count, 0) as open_longer_than_stale_days_count,
        skips.entered_count,
        skips.skipped_count,
        cast(skips.skipped_count as {{ type_double() }})
        / nullif(skips.entered_count + skips.skipped_count, 0) as skipped_share
    from skips
    inner join finished_visits
        on skips.stage_name = finished_visits.stage_name
    left join current_visits
        on skips.stage_name = current_visits.stage_name
)

select * from stalls
order by stage_order asc
