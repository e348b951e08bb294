-- Which interactions move deals? Interaction value (amount x change in win probability) by
-- channel, for every rep and for all reps together: how many valued interactions, their mean
-- and median value, the mean change in win probability, the share that raised it, and the
-- total value. Only interactions on an open deal carry a value. Best channel and rep first.
with interactions as (
    select * from {{ ref('fct_interactions') }}
    where interaction_value_amount is not null
),

reps as (
    select * from {{ ref('dim_reps') }}
),

by_rep as (
    select
        interactions.interaction_type,
        coalesce(reps.rep_name, interactions.owner_id) as rep_name,
        count(*) as interaction_count,
        avg(interactions.interaction_value_amount) as avg_interaction_value_amount,
        {{ percentile_cont('interactions.interaction_value_amount', 0.5) }} as median_interaction_value_amount,
        avg(interactions.probability_delta) as avg_probability_delta,
        avg(case when interactions.probability_delta > 0 then 1.0 else 0.0 end) as raised_probability_share,
        sum(interactions.interaction_value_amount) as interaction_value_sum_amount
    from interactions
    left join reps
        on interactions.owner_id = reps.rep_id
    group by interactions.interaction_type, coalesce(reps.rep_name, interactions.owner_id)
),

all_reps as (
    select
        interaction_type,
        'all reps' as rep_name,
        count(*) as interaction_count,
        avg(interaction_value_amount) as avg_interaction_value_amount,
        {{ percentile_cont('interaction_value_amount', 0.5) }} as median_interaction_value_amount,
        avg(probability_delta) as avg_probability_delta,
        avg(case when probability_delta > 0 then 1.0 else 0.0 end) as raised_probability_share,
        sum(interaction_value_amount) as interaction_value_sum_amount
    from interactions
    group by interaction_type
),

combined as (
    select * from all_reps
    union all
    select * from by_rep
),

ranked as (
    select
        combined.*,
        case when combined.rep_name = 'all reps' then 0 else 1 end as is_rep_row
    from combined
)

select * from ranked
order by is_rep_row asc, avg_interaction_value_amount desc, interaction_type asc, rep_name asc
