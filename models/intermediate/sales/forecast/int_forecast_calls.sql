{#- One row per grain (rep, team, company), fiscal period and forecast date of the period
    (int_forecast_dates), whether or not anything was open or won: the bookings won in the
    period before the forecast date (the tier 1 bookings rule: won deals of
    int_opportunity_outcomes by outcome date, credited to the owner at close, at the rate of the
    outcome date; at the as-of moment every win so far), and the open Commit and Best Case
    pipeline expected in the period (forecast category then, close date in the period, owner at
    the forecast date; int_forecast_deal_probabilities): Commit call = won to date + open
    Commit, Best Case call = Commit call + open Best Case. Summed per owner, then rolled up to
    rep, team and company (attribute_to_grains). -#}

with forecast_dates as (
    select * from {{ ref('int_forecast_dates') }}
),

grain_periods as (
    select * from {{ ref('int_kpi_grain_periods') }}
),

outcomes as (
    select * from {{ ref('int_opportunity_outcomes') }}
),

deal_probabilities as (
    select * from {{ ref('int_forecast_deal_probabilities') }}
),

rep_grain_memberships as (
    select * from {{ ref('int_rep_grain_memberships') }}
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

-- per owner at close: the wins of the period before the forecast date (at the as-of moment,
-- every win so far)
won_by_owner as (
    select
        won_deals.owner_at_close_id as owner_id,
        forecast_dates.period_grain,
        forecast_dates.period_start,
        forecast_dates.forecast_date,
        forecast_dates.is_latest,
        count(*) as won_to_date_count,
        sum(won_deals.amount) as won_to_date_amount
    from forecast_dates
    inner join won_deals
        on
            forecast_dates.period_start <= won_deals.outcome_date
            and (
                forecast_dates.forecast_date > won_deals.outcome_date
                or (forecast_dates.is_latest and forecast_dates.forecast_date = won_deals.outcome_date)
            )
    group by
        won_deals.owner_at_close_id,
        forecast_dates.period_grain,
        forecast_dates.period_start,
        forecast_dates.forecast_date,
        forecast_dates.is_latest
),

-- per owner at the forecast date: the open Commit and Best Case deals closing in the period
open_by_owner as (
    select
        owner_id,
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
    from deal_probabilities
    group by owner_id, period_grain, period_start, forecast_date, is_latest
),

owner_sums as (
    select
        owner_id,
        period_grain,
        period_start,
        forecast_date,
        is_latest,
        won_to_date_count,
        won_to_date_amount,
        cast(0 as decimal(18, 2)) as open_commit_amount,
        cast(0 as decimal(18, 2)) as open_best_case_amount
    from won_by_owner
    union all
    select
        owner_id,
        period_grain,
        period_start,
        forecast_date,
        is_latest,
        cast(0 as {{ dbt.type_bigint() }}) as won_to_date_count,
        cast(0 as decimal(18, 2)) as won_to_date_amount,
        open_commit_amount,
        open_best_case_amount
    from open_by_owner
),

-- the owners' sums rolled up to rep, team and company
attributed as (
    {{ attribute_to_grains('owner_sums', 'owner_id', 'rep_grain_memberships', 'rep_id') }}
),

grain_sums as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        forecast_date,
        is_latest,
        cast(sum(won_to_date_count) as {{ dbt.type_bigint() }}) as won_to_date_count,
        sum(won_to_date_amount) as won_to_date_amount,
        sum(open_commit_amount) as open_commit_amount,
        sum(open_best_case_amount) as open_best_case_amount
    from attributed
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
        coalesce(grain_sums.won_to_date_count, 0) as won_to_date_count,
        coalesce(grain_sums.won_to_date_amount, cast(0 as decimal(18, 2))) as won_to_date_amount,
        coalesce(grain_sums.open_commit_amount, cast(0 as decimal(18, 2))) as open_commit_amount,
        coalesce(grain_sums.open_best_case_amount, cast(0 as decimal(18, 2))) as open_best_case_amount
    from spine
    left join grain_sums
        on {{ forecast_key_match('spine', 'grain_sums') }}
),

final as (
    select
        *,
        won_to_date_amount + open_commit_amount as commit_amount,
        won_to_date_amount + open_commit_amount + open_best_case_amount as best_case_amount
    from calls
)

select * from final
