{#- One row per deal open at the as-of time (the deals int_open_deals_at_period_end measures at
    the as-of time for the quarter holding it): what a sales leader acts on. Its owner then
    and the owner's team, stage, forecast category, amount (at the as-of date's rate), expected
    close date and whether it has passed (past due, the rule of int_open_deals_at_period_end);
    how often its close date was pushed later (slipped); how long it has been in its current
    stage against the stage's p75: the 75th percentile of the days of the visits to that
    stage that ended by the as-of time (stuck: longer than three in four of them). These flags
    are the one rule of each: fct_deals_at_risk reads them. -#}

with as_of as (
    select {{ to_reporting_date('as_of') }} as as_of_date from {{ ref('stg_crm__export_as_of') }}
),

open_at_period_end as (
    select * from {{ ref('int_open_deals_at_period_end') }}
),

deals as (
    select * from {{ ref('dim_opportunities') }}
),

reps as (
    select * from {{ ref('dim_reps') }}
),

visits as (
    select * from {{ ref('fct_stage_visits') }}
),

close_date_changes as (
    select * from {{ ref('int_close_date_changes') }}
),

-- the quarter holding the as-of time is measured at the as-of time
open_now as (
    select open_at_period_end.*
    from open_at_period_end
    cross join as_of
    where
        open_at_period_end.period_grain = 'quarter'
        and open_at_period_end.period_start <= as_of.as_of_date
        and as_of.as_of_date < open_at_period_end.period_end
),

-- a stage's p75: the 75th percentile of the days of the visits to it that ended by the as-of time
stage_time_p75s as (
    select
        stage_name,
        {{ percentile_cont('days_in_stage', 0.75) }} as stage_p75_days_in_stage
    from visits
    where exited_at is not null
    group by stage_name
),

current_visits as (
    select
        opportunity_id,
        stage_name,
        days_in_stage
    from visits
    where is_current_visit
),

pushes as (
    select
        opportunity_id,
        count(*) as close_date_push_count
    from close_date_changes
    where is_push
    group by opportunity_id
),

open_deals as (
    select
        open_now.opportunity_id,
        deals.opportunity_name,
        deals.account_id,
        open_now.owner_id,
        coalesce(reps.rep_name, open_now.owner_id) as owner_name,
        reps.team_id,
        reps.team_name,
        open_now.stage_name,
        deals.stage_order,
        deals.forecast_category,
        deals.amount,
        open_now.expected_close_date,
        open_now.is_past_due,
        case
            when open_now.is_past_due
                then {{ dbt.datediff('open_now.expected_close_date', 'open_now.measured_date', 'day') }}
        end as past_due_days,
        coalesce(pushes.close_date_push_count, 0) as close_date_push_count,
        current_visits.days_in_stage as days_in_current_stage,
        stage_time_p75s.stage_p75_days_in_stage,
        coalesce(current_visits.days_in_stage > stage_time_p75s.stage_p75_days_in_stage, false)
            as is_stuck_in_stage
    from open_now
    inner join deals
        on open_now.opportunity_id = deals.opportunity_id
    left join reps
        on open_now.owner_id = reps.rep_id
    left join current_visits
        on open_now.opportunity_id = current_visits.opportunity_id and open_now.stage_name = current_visits.stage_name
    left join stage_time_p75s
        on open_now.stage_name = stage_time_p75s.stage_name
    left join pushes
        on open_now.opportunity_id = pushes.opportunity_id
)

{{ select_contract_columns('open_deals') }}
