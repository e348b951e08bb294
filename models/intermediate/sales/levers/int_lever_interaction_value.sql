{#- Interaction value lever: one row per grain (rep, team, company), grain id and fiscal period
    with interactions: how many carry a value, how many a positive one (a value of 0 is not
    positive) and the sum of their values. Attributed like int_lever_activity: to the user who
    logged the interaction, in the period it occurred. -#}

with interactions as (
    select * from {{ ref('int_interactions_unified') }}
),

scored as (
    select * from {{ ref('int_interactions_scored') }}
),

user_grain_memberships as (
    select * from {{ ref('int_user_grain_memberships') }}
),

-- every interaction with its value (null when it was not on an open deal), on its reporting day
interactions_valued as (
    select
        interactions.owner_id,
        {{ to_reporting_date('interactions.occurred_at') }} as occurred_date,
        scored.interaction_value_amount
    from interactions
    left join scored
        on interactions.interaction_id = scored.interaction_id
),

-- per user and day first: counts and sums add up, and the fan-out stays small
daily_values as (
    select
        owner_id,
        occurred_date,
        count(interaction_value_amount) as valued_interaction_count,
        sum(case when interaction_value_amount > 0 then 1 else 0 end) as positive_interaction_count,
        -- the values as fct_interactions publishes them, to the cent, summed exactly
        {{ publish_sum('interaction_value_amount', 'amount') }} as interaction_value_sum_amount
    from interactions_valued
    group by owner_id, occurred_date
),

daily_values_attributed as (
    {{ attribute_to_grains_and_periods(
        'daily_values', 'owner_id', 'occurred_date', 'user_grain_memberships', 'user_id'
    ) }}
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
