{#- One row per grain (rep, team, company), fiscal period and forecast date of the period
    (int_forecast_dates), whether or not anything was open or won: the bookings won in the
    period before the forecast date (the tier 1 bookings rule: won deals of
    int_opportunity_outcomes by outcome date, credited to the owner at close, at the rate of the
    outcome date; at the as-of moment every win so far), and the open Commit and Best Case
    pipeline expected in the period (forecast category then, close date in the period, owner at
    the forecast date): Commit call = won to date + open Commit, Best Case call = Commit call +
    open Best Case. -#}

with forecast_dates as (
    select * from {{ ref('int_forecast_dates') }}
),

grain_periods as (
    select * from {{ ref('int_kpi_grain_periods') }}
),

outcomes as (
    select * from {{ ref('int_opportunity_outcomes') }}
),

open_deals as (
    select * from {{ ref('int_forecast_open_deals') }}
),

spine as (
    select
        grain_periods.grain,
        grain_periods.grain_id,
        forecast_dates.period_grain,
        forecast_dates.period_start,
        forecast_dates.period_end,
        forecast_dates.forecast_date,
        forecast_dates.is_latest
    from grain_periods
    inner join forecast_dates
        on
            grain_periods.period_grain = forecast_dates.period_grain
            and grain_periods.period_start = forecast_dates.period_start
),

won_deals as (
    select * from outcomes
    where is_won
),

won_attributed as (
    {{ attribute_to_grains('won_deals', 'owner_at_close_id') }}
),

won_to_date as (
    select
        spine.grain,
        spine.grain_id,
        spine.period_grain,
        spine.period_start,
        spine.forecast_date,
        spine.is_latest,
        count(*) as won_to_date_count,
        sum(won_attributed.amount) as won_to_date_amount
    from spine
    inner join won_attributed
        on
            spine.grain = won_attributed.grain
            and spine.grain_id = won_attributed.grain_id
            and spine.period_start <= won_attributed.outcome_date
            and (
                spine.forecast_date > won_attributed.outcome_date
                or (spine.is_latest and spine.forecast_date = won_attributed.outcome_date)
            )
    group by spine.grain, spine.grain_id, spine.period_grain, spine.period_start, spine.forecast_date, spine.is_latest
),

calls_open as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        forecast_date,
        is_latest,
        sum(
            case
                when
                    forecast_category = 'Commit'
                    and close_date >= period_start and close_date < period_end
                    then amount
                else 0
            end
        ) as open_commit_amount,
        sum(
            case
                when
                    forecast_category = 'Best Case'
                    and close_date >= period_start and close_date < period_end
                    then amount
                else 0
            end
        ) as open_best_case_amount
    from open_deals
    group by grain, grain_id, period_grain, period_start, forecast_date, is_latest
),

calls as (
    select
        spine.grain,
        spine.grain_id,
        spine.period_grain,
        spine.period_start,
        spine.period_end,
        spine.forecast_date,
        spine.is_latest,
        coalesce(won_to_date.won_to_date_count, 0) as won_to_date_count,
        coalesce(won_to_date.won_to_date_amount, cast(0 as decimal(18, 2))) as won_to_date_amount,
        coalesce(calls_open.open_commit_amount, cast(0 as decimal(18, 2))) as open_commit_amount,
        coalesce(calls_open.open_best_case_amount, cast(0 as decimal(18, 2))) as open_best_case_amount
    from spine
    left join won_to_date
        on
            spine.grain = won_to_date.grain and spine.grain_id = won_to_date.grain_id
            and spine.period_grain = won_to_date.period_grain and spine.period_start = won_to_date.period_start
            and spine.forecast_date = won_to_date.forecast_date and spine.is_latest = won_to_date.is_latest
    left join calls_open
        on
            spine.grain = calls_open.grain and spine.grain_id = calls_open.grain_id
            and spine.period_grain = calls_open.period_grain and spine.period_start = calls_open.period_start
            and spine.forecast_date = calls_open.forecast_date and spine.is_latest = calls_open.is_latest
),

final as (
    select
        *,
        won_to_date_amount + open_commit_amount as commit_amount,
        won_to_date_amount + open_commit_amount + open_best_case_amount as best_case_amount
    from calls
)

select * from final
