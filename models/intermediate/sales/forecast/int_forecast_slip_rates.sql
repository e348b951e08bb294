{#- One row per period grain, forecast date and slip profile (close-date pushes so far 0, 1,
    2+ x close date overdue, in the period, after it, or none): the probability that a deal
    with that profile which will be won is won before the period ends, learnt only from what
    was known at the forecast date. The examples are the deals open at an earlier forecast date
    of a period of the same grain that were won afterwards, counted once the answer was known:
    a win inside its period once that period had ended (period_end <= forecast date), a win
    after its period once it had happened (outcome date < forecast date); wins not yet known
    are left out. With fewer examples than var forecast_slip_min_examples the rate of the
    close-date position (all push counts) is used, then the rate of all profiles, then the
    close-date rule (1 for a close date overdue or in the period, 0 otherwise). -#}

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

-- deals open at a forecast date that were won afterwards, and when that became known
examples as (
    select
        period_grain,
        push_bucket,
        close_date_position,
        outcome_date < period_end as is_won_in_period,
        case
            when outcome_date < period_end then period_end
            else cast({{ dbt.dateadd('day', 1, 'outcome_date') }} as date)
        end as known_date
    from inputs
    where not is_latest and is_won and outcome_date >= forecast_date
),

examples_by_known_date as (
    select
        period_grain,
        push_bucket,
        close_date_position,
        known_date,
        count(*) as example_count,
        sum(case when is_won_in_period then 1 else 0 end) as won_in_period_count
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
        sum(won_in_period_count) over position_profiles as position_won_in_period_count,
        sum(example_count) over all_profiles as pooled_example_count,
        sum(won_in_period_count) over all_profiles as pooled_won_in_period_count
    from learnt
    window
        position_profiles as (partition by period_grain, forecast_date, close_date_position),
        all_profiles as (partition by period_grain, forecast_date)
),

rated as (
    select
        period_grain,
        forecast_date,
        push_bucket,
        close_date_position,
        example_count,
        won_in_period_count,
        position_example_count,
        position_won_in_period_count,
        pooled_example_count,
        pooled_won_in_period_count,
        case
            when example_count >= {{ min_examples }}
                then cast(won_in_period_count as {{ type_double() }}) / example_count
            when position_example_count >= {{ min_examples }}
                then cast(position_won_in_period_count as {{ type_double() }}) / position_example_count
            when pooled_example_count >= {{ min_examples }}
                then cast(pooled_won_in_period_count as {{ type_double() }}) / pooled_example_count
            when close_date_position in ('overdue', 'in_period') then 1.0
            else 0.0
        end as in_period_rate,
        case
            when example_count >= {{ min_examples }} then 'profile'
            when position_example_count >= {{ min_examples }} then 'close_date_position'
            when pooled_example_count >= {{ min_examples }} then 'pooled'
            else 'close_date_rule'
        end as rate_basis
    from pooled
)

select * from rated
