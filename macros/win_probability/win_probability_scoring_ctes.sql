{#- The one rule for scoring a deal's state with the win-probability model: CTEs to place in a
    model's `with` after a CTE (named by `features`) with stage_name and the feature_<name>
    columns of win_probability_feature_ctes. Which fit scores a row:
      fitted_at_column none   the current fit (int_win_probability_model.is_current: the fit at
                              the as-of time), for every row: today's open deals, the moments
                              and the interactions (int_win_probability_scores)
      fitted_at_column set    the fit of the cut-off named by that column of `features` (a
                              fitted_at of int_win_probability_model): the fit in force at the
                              row's instant, which the caller finds (int_win_probability_at_dates)
    The last CTE, scored_moments, has every column of `features`, the fit's cut-off (the column
    fitted_at_column, else probability_fitted_at), model_method, logit, win_probability and probability_method: the fitted
    logistic model's probability (coefficients on the standardised features) when that fit's
    method is logistic_regression, else the fallback of int_stage_win_rates at the same cut-off
    (the stage win rate learnt from the deals closed by then, or before any deal closed the
    stage's default probability; its fallback_method; a stage without a row, i.e. a closed
    stage, the overall win rate of the deals closed by then). -#}
{% macro win_probability_scoring_ctes(features, fitted_at_column=none) -%}
{%- set fit_column = fitted_at_column or 'probability_fitted_at' %}
scoring_model_terms as (
    select * from {{ ref('int_win_probability_model') }}
    {%- if fitted_at_column is none %}
        where is_current
    {%- endif %}
),

scoring_stage_rates as (
    select * from {{ ref('int_stage_win_rates') }}
    {%- if fitted_at_column is none %}
        where is_current
    {%- endif %}
),

-- a state in a stage without a stage rate (a closed stage, seen at an interval's horizon before
-- the close was recorded) takes the won share of every deal closed by the cut-off
scoring_overall_rates as (
    select distinct
        fitted_at,
        overall_win_rate
    from scoring_stage_rates
),

scoring_coefficients as (
    select
        fitted_at,
        {%- for feature in win_probability_features() %}
            max(case when term = '{{ feature }}' then coefficient end) as coefficient_{{ feature }},
            max(case when term = '{{ feature }}' then feature_mean end) as mean_{{ feature }},
            max(case when term = '{{ feature }}' then feature_scale end) as scale_{{ feature }},
        {%- endfor %}
        max(case when term = 'intercept' then coefficient end) as intercept_coefficient,
        max(method) as model_method
    from scoring_model_terms
    group by fitted_at
),

scoring_linear_predictors as (
    select
        {{ features }}.*,
        {%- if fitted_at_column is none %}
            scoring_coefficients.fitted_at as probability_fitted_at,
        {%- endif %}
        scoring_coefficients.model_method,
        scoring_coefficients.intercept_coefficient
        {%- for feature in win_probability_features() %}
            + scoring_coefficients.coefficient_{{ feature }}
            * ({{ features }}.feature_{{ feature }} - scoring_coefficients.mean_{{ feature }})
            / scoring_coefficients.scale_{{ feature }}
        {%- endfor %} as logit
    from {{ features }}
    {%- if fitted_at_column is none %}
        cross join scoring_coefficients
    {%- else %}
        inner join scoring_coefficients
            on {{ features }}.{{ fitted_at_column }} = scoring_coefficients.fitted_at
    {%- endif %}
),

scored_moments as (
    select
        scoring_linear_predictors.*,
        case
            when scoring_linear_predictors.model_method = 'logistic_regression'
                then 1.0 / (1.0 + exp(-scoring_linear_predictors.logit))
            else coalesce(scoring_stage_rates.fallback_probability, scoring_overall_rates.overall_win_rate)
        end as win_probability,
        case
            when scoring_linear_predictors.model_method = 'logistic_regression' then 'logistic_regression'
            else coalesce(scoring_stage_rates.fallback_method, 'stage_win_rate')
        end as probability_method
    from scoring_linear_predictors
    left join scoring_stage_rates
        on
            scoring_linear_predictors.{{ fit_column }} = scoring_stage_rates.fitted_at
            and scoring_linear_predictors.stage_name = scoring_stage_rates.stage_name
    left join scoring_overall_rates
        on scoring_linear_predictors.{{ fit_column }} = scoring_overall_rates.fitted_at
)
{%- endmacro %}
