{#- One row per decile of predicted win probability over the held-out deals (deals the model
    was not fitted on), one moment per deal (int_win_probability_evaluation_moments): how many
    deals, the mean predicted probability and the share that were won, plus the Brier score
    (mean squared error of the probability, 0 = perfect, 0.25 = a coin) and the log loss over
    all of them, for the probabilities in use (probability_method). Close predicted and
    observed rates mean the probabilities can be trusted. -#}

with evaluation_moments as (
    select moment_id from {{ ref('int_win_probability_evaluation_moments') }}
),

moments as (
    select
        moment_id,
        is_won
    from {{ ref('int_win_probability_moments') }}
    where is_training and is_holdout
),

scores as (
    select
        moment_id,
        win_probability,
        probability_method
    from {{ ref('int_win_probability_scores') }}
),

held_out as (
    select
        moments.moment_id,
        scores.win_probability as predicted_probability,
        scores.probability_method,
        case when moments.is_won then 1.0 else 0.0 end as outcome,
        -- log loss with the probability kept within [1e-15, 1 - 1e-15]
        -ln(
            case
                when moments.is_won then greatest(scores.win_probability, 1e-15)
                else greatest(1.0 - scores.win_probability, 1e-15)
            end
        ) as log_loss_term
    from evaluation_moments
    inner join moments
        on evaluation_moments.moment_id = moments.moment_id
    inner join scores
        on evaluation_moments.moment_id = scores.moment_id
),

with_deciles as (
    select
        held_out.*,
        -- deals with the same probability are split between deciles by their moment id, the
        -- same way in every build
        ntile(10) over (order by held_out.predicted_probability, held_out.moment_id) as probability_decile
    from held_out
),

overall as (
    select
        avg((predicted_probability - outcome) * (predicted_probability - outcome)) as brier_score,
        avg(log_loss_term) as log_loss,
        count(*) as held_out_deal_count
    from held_out
),

deciles as (
    select
        with_deciles.probability_decile,
        max(with_deciles.probability_method) as probability_method,
        count(*) as deal_count,
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
        overall.log_loss,
        overall.held_out_deal_count
    from deciles
    cross join overall
)

select * from calibration
