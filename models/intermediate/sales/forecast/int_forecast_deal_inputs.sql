{#- One row per forecast (int_forecast_dates: period and forecast date) and deal open then:
    the deal as it stood (int_open_deals_at_dates at a period or week start; at the as-of
    moment the open deal of int_opportunity_outcomes), its win probability then
    (int_win_probability_at_dates; at the as-of moment int_win_probability_scores), its slip
    profile (close-date pushes so far: 0, 1, 2+; where its close date lies: overdue before the
    forecast date, in the period, after the period, or none) and how it ended (won, on which
    outcome date). The inputs of the slip rates and of the forecast. -#}

with forecast_dates as (
    select * from {{ ref('int_forecast_dates') }}
),

open_deals as (
    select * from {{ ref('int_open_deals_at_dates') }}
),

win_probabilities as (
    select * from {{ ref('int_win_probability_at_dates') }}
),

as_of_scores as (
    select * from {{ ref('int_win_probability_scores') }}
    where moment_kind = 'as_of'
),

outcomes as (
    select * from {{ ref('int_opportunity_outcomes') }}
),

close_date_changes as (
    select * from {{ ref('int_close_date_changes') }}
),

as_of as (
    select as_of from {{ ref('stg_crm__export_as_of') }}
),

deals_at_dates as (
    select
        forecast_dates.period_grain,
        forecast_dates.period_start,
        forecast_dates.period_end,
        forecast_dates.forecast_date,
        forecast_dates.is_latest,
        open_deals.opportunity_id,
        open_deals.owner_id,
        open_deals.stage_name,
        open_deals.forecast_category,
        open_deals.amount,
        open_deals.close_date,
        open_deals.close_date_pushes,
        win_probabilities.win_probability
    from forecast_dates
    inner join open_deals
        on forecast_dates.forecast_date = open_deals.snapshot_date
    left join win_probabilities
        on
            open_deals.opportunity_id = win_probabilities.opportunity_id
            and open_deals.snapshot_date = win_probabilities.snapshot_date
    where not forecast_dates.is_latest
),

pushes_by_as_of as (
    select
        close_date_changes.opportunity_id,
        count(*) as close_date_pushes
    from close_date_changes
    cross join as_of
    where close_date_changes.is_push and close_date_changes.changed_at <= as_of.as_of
    group by close_date_changes.opportunity_id
),

deals_at_as_of as (
    select
        forecast_dates.period_grain,
        forecast_dates.period_start,
        forecast_dates.period_end,
        forecast_dates.forecast_date,
        forecast_dates.is_latest,
        outcomes.opportunity_id,
        outcomes.current_owner_id as owner_id,
        outcomes.stage_name,
        outcomes.forecast_category,
        outcomes.amount,
        outcomes.close_date,
        coalesce(pushes_by_as_of.close_date_pushes, 0) as close_date_pushes,
        as_of_scores.win_probability
    from forecast_dates
    cross join outcomes
    inner join as_of_scores
        on outcomes.opportunity_id = as_of_scores.opportunity_id
    left join pushes_by_as_of
        on outcomes.opportunity_id = pushes_by_as_of.opportunity_id
    where forecast_dates.is_latest and not outcomes.is_closed
),

deals as (
    select * from deals_at_dates
    union all
    select * from deals_at_as_of
),

profiled as (
    select
        deals.*,
        outcomes.is_won,
        outcomes.outcome_date,
        case
            when deals.close_date_pushes = 0 then '0'
            when deals.close_date_pushes = 1 then '1'
            else '2+'
        end as push_bucket,
        case
            when deals.close_date is null then 'no_close_date'
            when deals.close_date < deals.forecast_date then 'overdue'
            when deals.close_date < deals.period_end then 'in_period'
            else 'after_period'
        end as close_date_position
    from deals
    inner join outcomes
        on deals.opportunity_id = outcomes.opportunity_id
)

select * from profiled
