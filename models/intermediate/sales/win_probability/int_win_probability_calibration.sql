{#- One row per decile of predicted win probability, on held-out moments of closed deals
    (deals the model was not fitted on): how many moments, the mean predicted probability and
    the share that were actually won, plus the Brier score (mean squared error of the
    probability, 0 = perfect, 0.25 = a coin) over all held-out moments. Close predicted and
    observed rates mean the probabilities can be trusted. -#}

with features as (
    select
        interaction_id,
        is_won
    from {{ ref('int_win_probability_features') }}
    where is_training and is_holdout
),

scored as (
    select
        interaction_id,
        probability_after,
        probability_method
    from {{ ref('int_interactions_scored') }}
),

held_out as (
    select
        scored.interaction_id,
        scored.probability_after as predicted_probability,
        scored.probability_method,
        case when features.is_won then 1.0 else 0.0 end as outcome
    from features
    inner join scored
        on features.interaction_id = scored.interaction_id
),

with_deciles as (
    select
        held_out.*,
        -- moments with the same probability are split between deciles by their id, the same
        -- way in every build
        ntile(10) over (order by held_out.predicted_probability, held_out.interaction_id) as probability_decile
    from held_out
),

overall as (
    select
        avg((predicted_probability - outcome) * (predicted_probability - outcome)) as brier_score,
        count(*) as held_out_moment_count
    from held_out
),

deciles as (
    select
        with_deciles.probability_decile,
        max(with_deciles.probability_method) as probability_method,
        count(*) as moment_count,
        avg(with_deciles.predicted_probability) as mean_predicted_probability,
        avg(with_deciles.outcome) as observed_win_rate,
        min(with_deciles.predicted_probability) as min_predicted_probability,
        max(with_deciles.predicted_probability) as max_predicted_probability
    from with_deciles
    group by with_deciles.probability_decile
),

calibration as (
    select
        deciles.*,
        overall.brier_score,
        overall.held_out_moment_count
    from deciles
    cross join overall
)

select * from calibration
