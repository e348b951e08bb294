{#- One row per moment of int_win_probability_moments: the deal's win probability then, from the
    logistic model fitted on the export's own closed deals (int_win_probability_model) when
    its method is logistic_regression, else the historical win rate of the moment's stage
    (int_stage_win_rates; the win rate of all closed deals for a stage without one);
    probability_method says which. -#}
{#- A view: a few arithmetic columns on the moments, computed where they are read. -#}
{{ config(materialized='view') }}

with moments as (
    select * from {{ ref('int_win_probability_moments') }}
),

model_terms as (
    select * from {{ ref('int_win_probability_model') }}
),

stage_rates as (
    select * from {{ ref('int_stage_win_rates') }}
),

outcomes as (
    select is_won from {{ ref('int_opportunity_outcomes') }}
    where is_closed
),

overall as (
    select avg(case when is_won then 1.0 else 0.0 end) as overall_win_rate
    from outcomes
),

coefficients as (
    select
        {%- for feature in win_probability_features() %}
            max(case when term = '{{ feature }}' then coefficient end) as coefficient_{{ feature }},
            max(case when term = '{{ feature }}' then feature_mean end) as mean_{{ feature }},
            max(case when term = '{{ feature }}' then feature_scale end) as scale_{{ feature }},
        {%- endfor %}
        max(case when term = 'intercept' then coefficient end) as intercept_coefficient,
        max(method) as model_method
    from model_terms
),

linear_predictors as (
    select
        moments.moment_id,
        moments.moment_kind,
        moments.opportunity_id,
        moments.interaction_id,
        moments.moment_at,
        moments.moment_rank,
        moments.stage_name,
        moments.amount,
        moments.interval_end_reason,
        moments.interval_ended_at,
        moments.next_interaction_id,
        moments.is_won_at_interval_end,
        coefficients.model_method,
        coefficients.intercept_coefficient
        {%- for feature in win_probability_features() %}
            + coefficients.coefficient_{{ feature }}
            * (moments.feature_{{ feature }} - coefficients.mean_{{ feature }})
            / coefficients.scale_{{ feature }}
        {%- endfor %} as logit
    from moments
    cross join coefficients
),

scored as (
    select
        linear_predictors.moment_id,
        linear_predictors.moment_kind,
        linear_predictors.opportunity_id,
        linear_predictors.interaction_id,
        linear_predictors.moment_at,
        linear_predictors.moment_rank,
        linear_predictors.stage_name,
        linear_predictors.amount,
        linear_predictors.interval_end_reason,
        linear_predictors.interval_ended_at,
        linear_predictors.next_interaction_id,
        linear_predictors.is_won_at_interval_end,
        case
            when linear_predictors.model_method = 'logistic_regression'
                then 1.0 / (1.0 + exp(-linear_predictors.logit))
            else coalesce(stage_rates.stage_win_rate, overall.overall_win_rate)
        end as win_probability,
        case
            when linear_predictors.model_method = 'logistic_regression' then 'logistic_regression'
            else 'stage_win_rate'
        end as probability_method
    from linear_predictors
    cross join overall
    left join stage_rates
        on linear_predictors.stage_name = stage_rates.stage_name
)

select * from scored
