{#- One row per deal open at the as-of time: its win probability then (the model's at the as-of
    moment, int_win_probability_scores), how it was made, and what it was computed from. -#}

with scores as (
    select * from {{ ref('int_win_probability_scores') }}
    where moment_kind = 'as_of'
),

outcomes as (
    select * from {{ ref('int_opportunity_outcomes') }}
),

final as (
    select
        scores.opportunity_id,
        outcomes.account_id,
        outcomes.current_owner_id as owner_id,
        outcomes.stage_name,
        outcomes.forecast_category,
        outcomes.close_date,
        outcomes.amount,
        scores.moment_at as as_of,
        scores.win_probability,
        cast(outcomes.amount as {{ type_double() }}) * scores.win_probability as weighted_amount,
        scores.probability_method
    from scores
    inner join outcomes
        on scores.opportunity_id = outcomes.opportunity_id
)

{{ select_contract_columns('final') }}
