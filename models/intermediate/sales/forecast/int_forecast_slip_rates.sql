{#- One row per period grain, forecast date and slip profile (close-date pushes so far 0, 1,
    2+ x close date overdue, in the period, after it, or none): the in-period rate, the share
    of the win probability of a deal with that profile that turns into a win before the period
    ends, learnt only from what was known at the forecast date. The examples are all the deals
    open at a forecast date of an earlier period of the same grain that had ended by the
    forecast date (period_end <= forecast date: whether each was won inside it is known, won,
    lost or still open): in_period_rate = their wins inside the period / the sum of their win
    probabilities then (expected_win_count), at most 1. A deal that stays open for many
    periods adds its win probability to the denominator each time and wins inside at most one
    of them, so a short period (a week) learns how little of a deal's chance of winning is
    realised in it. With fewer examples than var forecast_slip_min_examples (or no win
    probability among them) the rate of the close-date position (all push counts) is used,
    then the rate of all profiles, then the close-date rule (1 for a close date overdue or in
    the period, 0 otherwise). -#}

{%- set min_examples = var('forecast_slip_min_examples') | int %}

with inputs as (
    select * from {{ ref('int_forecast_deal_inputs') }}
),

-- the forecasts to learn a rate for
scenarios as (
    select distinct
        period_grain,
        forecast_date
    from inputs
),

push_buckets as (
    select '0' as push_bucket
    union all
    select '1' as push_bucket
    union all
    select '2+' as push_bucket
),

close_date_positions as (
    select 'no_close_date' as close_date_position
    union all
    select 'overdue' as close_date_position
    union all
    select 'in_period' as close_date_position
    union all
    select 'after_period' as close_date_position
),

profiles as (
    select
        push_buckets.push_bucket,
        close_date_positions.close_date_position
    from push_buckets
    cross join close_date_positions
),

-- deals open at a forecast date of a period, known once the period had ended
examples as (
    select
        period_grain,
        push_bucket,
        close_date_position,
        period_end as known_date,
        -- to 6 decimals: their sums are then exact, whatever the order rows are added in
        {{ publish_decimal('coalesce(win_probability, 0.0)', 'rate') }} as win_probability,
        case when is_won and outcome_date < period_end then 1 else 0 end as won_in_period
    from inputs
    where not is_latest
),

examples_by_known_date as (
    select
        period_grain,
        push_bucket,
        close_date_position,
        known_date,
        count(*) as example_count,
        sum(win_probability) as expected_win_count,
        sum(won_in_period) as won_in_period_count
    from examples
    group by period_grain, push_bucket, close_date_position, known_date
),

learnt as (
    select
        scenarios.period_grain,
        scenarios.forecast_date,
        profiles.push_bucket,
        profiles.close_date_position,
        coalesce(sum(examples_by_known_date.example_count), 0) as example_count,
        coalesce(sum(examples_by_known_date.expected_win_count), 0) as expected_win_count,
        coalesce(sum(examples_by_known_date.won_in_period_count), 0) as won_in_period_count
    from scenarios
    cross join profiles
    left join examples_by_known_date
        on
            scenarios.period_grain = examples_by_known_date.period_grain
            and profiles.push_bucket = examples_by_known_date.push_bucket
            and profiles.close_date_position = examples_by_known_date.close_date_position
            and scenarios.forecast_date >= examples_by_known_date.known_date
    group by
        scenarios.period_grain, scenarios.forecast_date,
        profiles.push_bucket, profiles.close_date_position
),

pooled as (
    select
        *,
        sum(example_count) over position_profiles as position_example_count,
        sum(expected_win_count) over position_profiles as position_expected_win_count,
        sum(won_in_period_count) over position_profiles as position_won_in_period_count,
        sum(example_count) over all_profiles as pooled_example_count,
        sum(expected_win_count) over all_profiles as pooled_expected_win_count,
        sum(won_in_period_count) over all_profiles as pooled_won_in_period_count
    from learnt
    window
        position_profiles as (partition by period_grain, forecast_date, close_date_position),
        all_profiles as (partition by period_grain, forecast_date)
),

-- a level is used when it has enough examples with some win probability among them
levels as (
    select
        *,
        example_count >= {{ min_examples }} and expected_win_count > 0 as is_profile_learnt,
        position_example_count >= {{ min_examples }} and position_expected_win_count > 0
            as is_position_learnt,
        pooled_example_count >= {{ min_examples }} and pooled_expected_win_count > 0 as is_pooled_learnt
    from pooled
),

rated as (
    select
        period_grain,
        forecast_date,
        push_bucket,
        close_date_position,
        example_count,
        expected_win_count,
        won_in_period_count,
        position_example_count,
        position_expected_win_count,
        position_won_in_period_count,
        pooled_example_count,
        pooled_expected_win_count,
        pooled_won_in_period_count,
        case
            when is_profile_learnt
                then least(won_in_period_count / cast(expected_win_count as {{ type_double() }}), 1.0)
            when is_position_learnt
                then least(
                    position_won_in_period_count / cast(position_expected_win_count as {{ type_double() }}), 1.0
                )
            when is_pooled_learnt
                then least(
                    pooled_won_in_period_count / cast(pooled_expected_win_count as {{ type_double() }}), 1.0
                )
            when close_date_position in ('overdue', 'in_period') then 1.0
            else 0.0
        end as in_period_rate,
        case
            when is_profile_learnt then 'profile'
            when is_position_learnt then 'close_date_position'
            when is_pooled_learnt then 'pooled'
            else 'close_date_rule'
        end as rate_basis
    from levels
)

select * from rated
