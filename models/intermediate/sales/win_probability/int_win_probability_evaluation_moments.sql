{#- One row per held-out closed deal (int_win_probability_moments.is_holdout): the one moment
    of the deal the held-out evaluation scores, drawn by the smallest hash of the moment id, so
    each deal counts once however many moments it has, and the same moment in every build.
    The fit (int_win_probability_model) and the calibration read it. -#}

with held_out as (
    select
        moment_id,
        opportunity_id
    from {{ ref('int_win_probability_moments') }}
    where is_training and is_holdout
),

drawn as (
    select
        moment_id,
        opportunity_id,
        row_number() over (
            partition by opportunity_id
            order by {{ dbt.hash('moment_id') }}, moment_id
        ) as draw_rank
    from held_out
),

evaluation_moments as (
    select
        moment_id,
        opportunity_id
    from drawn
    where draw_rank = 1
)

select * from evaluation_moments
