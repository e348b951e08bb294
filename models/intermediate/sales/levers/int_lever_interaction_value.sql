{#- Interaction value lever: one row per grain (rep, team, company), grain id and fiscal period
    with interactions: how many carry a value, how many a positive one (a value of 0 is not
    positive) and the sum of their values. Attributed like int_lever_activity: to the user who
    logged the interaction, in the period it occurred. -#}

with interactions as (
    select * from {{ ref('fct_interactions') }}
),

-- per user and day first: counts and sums add up, and the fan-out stays small
daily_values as (
    select
        owner_id,
        occurred_date,
        count(interaction_value_amount) as valued_interaction_count,
        sum(case when interaction_value_amount > 0 then 1 else 0 end) as positive_interaction_count,
        sum(interaction_value_amount) as interaction_value_sum_amount
    from interactions
    group by owner_id, occurred_date
),

daily_values_attributed as (
    {{ attribute_to_grains_and_periods('daily_values', 'owner_id', 'occurred_date', 'int_user_grain_memberships') }}
),

interaction_value as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        sum(valued_interaction_count) as valued_interaction_count,
        sum(positive_interaction_count) as positive_interaction_count,
        sum(interaction_value_sum_amount) as interaction_value_sum_amount
    from daily_values_attributed
    group by grain, grain_id, period_grain, period_start
)

select * from interaction_value
