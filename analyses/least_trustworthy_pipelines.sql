-- Which reps' pipeline numbers can I least trust? Per rep and fiscal quarter (the last four
-- quarters up to the as-of time), the stage-data quality (trust rating, manual-skip,
-- batch-logged and unsupported-progression rates, stale and past-due open deals) next to the
-- numbers it distorts: win rate and bookings (Tier 2), median time in open stages and median
-- sales cycle (Tier 3). Worst first. Time in stage counts for the deal's owner at its close,
-- or its current owner while it is open; the sales cycle for the owner at close.
with data_quality as (
    select * from {{ ref('rpt_data_quality') }}
    where grain = 'rep' and period_grain = 'quarter'
),

diagnostics as (
    select * from {{ ref('rpt_kpi_tier2_diagnostics') }}
    where grain = 'rep' and period_grain = 'quarter'
),

reps as (
    select * from {{ ref('dim_reps') }}
),

deals as (
    select * from {{ ref('dim_opportunities') }}
),

opportunities as (
    select
        opportunity_id,
        coalesce(owner_at_close_id, current_owner_id) as rep_id
    from deals
),

visits as (
    select * from {{ ref('fct_stage_visits') }}
),

closed_stages as (
    select distinct stage_name
    from deals
    where is_closed
),

recent_quarters as (
    select
        period_start,
        period_end,
        dense_rank() over (order by period_start desc) as quarters_back
    from data_quality
    group by period_start, period_end
),

open_stage_visits as (
    select
        opportunities.rep_id,
        visits.exited_date,
        visits.days_in_stage
    from visits
    inner join opportunities
        on visits.opportunity_id = opportunities.opportunity_id
    left join closed_stages
        on visits.stage_name = closed_stages.stage_name
    where closed_stages.stage_name is null and visits.exited_date is not null
),

time_in_stage as (
    select
        open_stage_visits.rep_id,
        recent_quarters.period_start,
        count(*) as exited_visit_count,
        {{ percentile_cont('open_stage_visits.days_in_stage', 0.5) }} as median_days_in_stage
    from open_stage_visits
    inner join recent_quarters
        on
            open_stage_visits.exited_date >= recent_quarters.period_start
            and open_stage_visits.exited_date < recent_quarters.period_end
    group by open_stage_visits.rep_id, recent_quarters.period_start
),

sales_cycles as (
    select
        deals.owner_at_close_id as rep_id,
        recent_quarters.period_start,
        {{ percentile_cont('deals.sales_cycle_days', 0.5) }} as median_sales_cycle_days
    from deals
    inner join recent_quarters
        on
            deals.outcome_date >= recent_quarters.period_start
            and deals.outcome_date < recent_quarters.period_end
    where deals.is_won
    group by deals.owner_at_close_id, recent_quarters.period_start
),

compared as (
    select
        reps.rep_name,
        reps.team_name,
        data_quality.period_start,
        data_quality.trust_rating,
        data_quality.transition_count,
        data_quality.manual_skip_rate,
        data_quality.batch_logged_rate,
        data_quality.unsupported_progression_rate,
        data_quality.stale_open_deal_count,
        data_quality.past_due_open_deal_count,
        data_quality.open_deal_count,
        diagnostics.win_rate,
        diagnostics.won_amount,
        time_in_stage.median_days_in_stage,
        time_in_stage.exited_visit_count,
        sales_cycles.median_sales_cycle_days,
        case data_quality.trust_rating when 'untrusted' then 1 when 'review' then 2 else 3 end as trust_order
    from data_quality
    inner join recent_quarters
        on data_quality.period_start = recent_quarters.period_start and recent_quarters.quarters_back <= 4
    inner join reps
        on data_quality.grain_id = reps.rep_id
    left join diagnostics
        on
            data_quality.grain_id = diagnostics.grain_id
            and data_quality.period_start = diagnostics.period_start
    left join time_in_stage
        on
            data_quality.grain_id = time_in_stage.rep_id
            and data_quality.period_start = time_in_stage.period_start
    left join sales_cycles
        on
            data_quality.grain_id = sales_cycles.rep_id
            and data_quality.period_start = sales_cycles.period_start
)

select * from compared
order by trust_order asc, manual_skip_rate desc nulls last, batch_logged_rate desc nulls last, period_start desc
