{#- The one rule for scoring a deal's state with the win-probability model: CTEs to place in a
    model's `with` after a CTE (named by `features`) with stage_name and the feature_<name>
    columns of win_probability_feature_ctes. The last CTE, scored_moments, has every column of
    it and model_method, logit, win_probability and probability_method: the fitted logistic
    model's probability (coefficients on the standardised features) when
    int_win_probability_model's method is logistic_regression, else the historical win rate of
    the stage (int_stage_win_rates; the win rate of all closed deals for a stage without one).
    Used by int_win_probability_scores (the moments) and int_win_probability_at_dates. -#}
{% macro win_probability_scoring_ctes(features) -%}
scoring_model_terms as (
    select * from {{ ref('int_win_probability_model') }}
),

scoring_stage_rates as (
    select * from {{ ref('int_stage_win_rates') }}
),

scoring_closed_outcomes as (
    select is_won from {{ ref('int_opportunity_outcomes') }}
    where is_closed
),

scoring_overall as (
    select avg(case when is_won then 1.0 else 0.0 end) as overall_win_rate
    from scoring_closed_outcomes
),

scoring_coefficients as (
    select
        {%- for feature in win_probability_features() %}
            max(case when term = '{{ feature }}' then coefficient end) as coefficient_{{ feature }},
            max(case when term = '{{ feature }}' then feature_mean end) as mean_{{ feature }},
            max(case when term = '{{ feature }}' then feature_scale end) as scale_{{ feature }},
        {%- endfor %}
        max(case when term = 'intercept' then coefficient end) as intercept_coefficient,
        max(method) as model_method
    from scoring_model_terms
),

scoring_linear_predictors as (
    select
        {{ features }}.*,
        scoring_coefficients.model_method,
        scoring_coefficients.intercept_coefficient
        {%- for feature in win_probability_features() %}
            + scoring_coefficients.coefficient_{{ feature }}
            * ({{ features }}.feature_{{ feature }} - scoring_coefficients.mean_{{ feature }})
            / scoring_coefficients.scale_{{ feature }}
        {%- endfor %} as logit
    from {{ features }}
    cross join scoring_coefficients
),

scored_moments as (
    select
        scoring_linear_predictors.*,
        case
            when scoring_linear_predictors.model_method = 'logistic_regression'
                then 1.0 / (1.0 + exp(-scoring_linear_predictors.logit))
            else coalesce(scoring_stage_rates.stage_win_rate, scoring_overall.overall_win_rate)
        end as win_probability,
        case
            when scoring_linear_predictors.model_method = 'logistic_regression' then 'logistic_regression'
            else 'stage_win_rate'
        end as probability_method
    from scoring_linear_predictors
    cross join scoring_overall
    left join scoring_stage_rates
        on scoring_linear_predictors.stage_name = scoring_stage_rates.stage_name
)
{%- endmacro %}
