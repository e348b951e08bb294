{#- One row per opportunity per interval between two saved changes: the stage, amount,
    close date, probability and forecast category in force from valid_from until valid_to
    (null for the current state). Answers "what did this deal look like at time t":
    valid_from <= t and (valid_to is null or t < valid_to). -#}

with sequenced as (
    select * from {{ ref('int_opportunity_history_sequenced') }}
),

intervals as (
    select
        opportunity_id,
        history_sequence,
        changed_at as valid_from,
        stage_name,
        stage_order,
        is_closed_stage,
        is_won_stage,
        amount,
        close_date,
        probability_rate,
        forecast_category,
        lead(changed_at) over (partition by opportunity_id order by history_sequence) as valid_to
    from sequenced
)

select * from intervals
