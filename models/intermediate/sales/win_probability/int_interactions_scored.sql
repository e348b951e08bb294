{#- One row per interaction on a deal that was open at that moment: the deal's win
    probability just before and just after the interaction, the change, and the
    interaction's value = deal amount x change. Probabilities come from the logistic model
    fitted on the export's own closed deals (int_win_probability_model); when too few deals
    have closed, from historical stage win rates, and then an interaction changes nothing
    (probability_method says which). -#}
{#- A view: the scoring is a few arithmetic columns on the features, cheaper to compute where
    it is read (fct_interactions, the calibration) than to write as one more table of every
    moment. -#}
{{ config(materialized='view') }}

{%- set count_features = ['log_interactions', 'log_calls', 'log_emails', 'log_meetings'] %}

with features as (
    select * from {{ ref('int_win_probability_features') }}
),

model_terms as (
    select * from {{ ref('int_win_probability_model') }}
),

stage_rates as (
    select * from {{ ref('int_stage_win_rates') }}
),

coefficients as (
    select
        {%- for feature in win_probability_features() %}
            max(case when term = '{{ feature }}' then coefficient end) as coefficient_{{ feature }},
            max(case when term = '{{ feature }}' then feature_mean end) as mean_{{ feature }},
            max(case when term = '{{ feature }}' then feature_scale end) as scale_{{ feature }},
        {%- endfor %}
        max(case when term = 'intercept' then coefficient end) as intercept_coefficient,
        max(method) as fitted_method
    from model_terms
),

linear_predictors as (
    select
        features.interaction_id,
        features.opportunity_id,
        features.occurred_at,
        features.interaction_type,
        features.stage_name,
        features.amount,
        coefficients.fitted_method,
        coefficients.intercept_coefficient
        {%- for feature in win_probability_features() %}
            + coefficients.coefficient_{{ feature }}
            * (
                features.feature_{{ feature }}{{ '_before' if feature in count_features }}
                - coefficients.mean_{{ feature }}
            )
            / coefficients.scale_{{ feature }}
        {%- endfor %} as logit_before,
        coefficients.intercept_coefficient
        {%- for feature in win_probability_features() %}
            + coefficients.coefficient_{{ feature }}
            * (features.feature_{{ feature }} - coefficients.mean_{{ feature }})
            / coefficients.scale_{{ feature }}
        {%- endfor %} as logit_after
    from features
    cross join coefficients
),

scored as (
    select
        linear_predictors.interaction_id,
        linear_predictors.opportunity_id,
        linear_predictors.occurred_at,
        linear_predictors.interaction_type,
        linear_predictors.stage_name,
        linear_predictors.amount,
        case
            when linear_predictors.fitted_method = 'logistic_regression'
                then 1.0 / (1.0 + exp(-linear_predictors.logit_before))
            else stage_rates.stage_win_rate
        end as probability_before,
        case
            when linear_predictors.fitted_method = 'logistic_regression'
                then 1.0 / (1.0 + exp(-linear_predictors.logit_after))
            else stage_rates.stage_win_rate
        end as probability_after,
        coalesce(linear_predictors.fitted_method, 'stage_win_rate') as probability_method
    from linear_predictors
    left join stage_rates
        on linear_predictors.stage_name = stage_rates.stage_name
),

valued as (
    select
        scored.*,
        scored.probability_after - scored.probability_before as probability_delta,
        cast(scored.amount as {{ type_double() }}) * (scored.probability_after - scored.probability_before)
            as interaction_value_amount
    from scored
)

select * from valued
