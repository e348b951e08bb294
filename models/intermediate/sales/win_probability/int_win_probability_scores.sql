{#- One row per moment of int_win_probability_moments: the deal's win probability then, from the
    current fit (the logistic model fitted at the as-of time on every deal closed by then,
    int_win_probability_model.is_current) when its method is logistic_regression, else the
    historical win rate of the moment's stage at the as-of cut-off (int_stage_win_rates; the
    win rate of all closed deals for a stage without one); probability_method says which
    (macro win_probability_scoring_ctes: the one scoring rule). -#}
{#- A view: a few arithmetic columns on the moments, computed where they are read. -#}
{{ config(materialized='view') }}

with moments as (
    select * from {{ ref('int_win_probability_moments') }}
),

{{ win_probability_scoring_ctes('moments') }},

scored as (
    select
        moment_id,
        moment_kind,
        opportunity_id,
        interaction_id,
        moment_at,
        moment_rank,
        stage_name,
        amount,
        interval_end_reason,
        interval_ended_at,
        next_interaction_id,
        is_won_at_interval_end,
        win_probability,
        probability_method
    from scored_moments
)

select * from scored
