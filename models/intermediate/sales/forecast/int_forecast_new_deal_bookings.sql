{#- One row per grain (rep, team, company), forecast (period, forecast date) and earlier period
    it learns from (int_forecast_history_periods) in which the grain booked deals created at or
    after that period's equivalent point: those bookings (the tier 1 bookings rule: won deals by
    outcome date, for the owner at close, in the corporate currency; a deal created on the
    equivalent day counts as new, as a deal created on the forecast date is not open at its
    midnight). A grain without a row booked nothing new in that period. history_period_count:
    the periods the forecast learns from (the same for every grain of the forecast), so the
    new-deal bookings of a forecast are one of history_period_count equally likely past
    outcomes, zeros included. -#}

with history_periods as (
    select * from {{ ref('int_forecast_history_periods') }}
),

outcomes as (
    select * from {{ ref('int_opportunity_outcomes') }}
),

rep_grain_memberships as (
    select * from {{ ref('int_rep_grain_memberships') }}
),

won_deals as (
    select * from outcomes
    where is_won and amount is not null
),

won_by_period as (
    {{ attribute_to_grains_and_periods(
        'won_deals', 'owner_at_close_id', 'outcome_date', 'rep_grain_memberships', 'rep_id'
    ) }}
),

history_counts as (
    select
        period_grain,
        period_start,
        forecast_date,
        is_latest,
        count(*) as history_period_count
    from history_periods
    group by period_grain, period_start, forecast_date, is_latest
),

new_deal_wins as (
    select
        won_by_period.grain,
        won_by_period.grain_id,
        history_periods.period_grain,
        history_periods.period_start,
        history_periods.forecast_date,
        history_periods.is_latest,
        history_periods.history_period_start,
        history_periods.history_rank,
        count(*) as new_deal_won_count,
        sum(won_by_period.amount) as new_deal_amount
    from history_periods
    inner join won_by_period
        on
            history_periods.period_grain = won_by_period.period_grain
            and history_periods.history_period_start = won_by_period.period_start
            and history_periods.history_cutoff_date <= won_by_period.created_date
    group by
        won_by_period.grain, won_by_period.grain_id,
        history_periods.period_grain, history_periods.period_start, history_periods.forecast_date,
        history_periods.is_latest, history_periods.history_period_start, history_periods.history_rank
),

counted as (
    select
        new_deal_wins.*,
        history_counts.history_period_count
    from new_deal_wins
    inner join history_counts
        on {{ forecast_key_match('new_deal_wins', 'history_counts', level='period') }}
)

select * from counted
