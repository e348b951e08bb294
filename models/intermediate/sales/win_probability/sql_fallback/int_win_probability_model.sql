{#- SQL stand-in for the Python model on engines without dbt Python models (PostgreSQL,
    Redshift, Spark outside Databricks): no logistic fit, so the scoring uses historical
    stage win rates (int_stage_win_rates, learnt at each cut-off from the deals closed by then),
    nothing is evaluated on held-out deals (null scores) and closed_deals counts every deal of
    the export closed by the cut-off. One row per cut-off (int_win_probability_cutoffs), with
    the same columns as the Python model's output. -#}

with cutoffs as (
    select * from {{ ref('int_win_probability_cutoffs') }}
),

-- deals closed by the as-of time, with their outcome then and when it became known
closed_deals as (
    select
        closed_at,
        is_won
    from {{ ref('int_opportunity_outcomes') }}
    where is_closed
),

closed_by_cutoff as (
    select
        cutoffs.fitted_at,
        cutoffs.valid_to,
        cutoffs.is_current,
        count(closed_deals.closed_at) as closed_deals,
        sum(case when closed_deals.is_won then 1 else 0 end) as won_deals
    from cutoffs
    left join closed_deals
        on cutoffs.fitted_at >= closed_deals.closed_at
    group by cutoffs.fitted_at, cutoffs.valid_to, cutoffs.is_current
),

fallback as (
    select
        fitted_at,
        valid_to,
        is_current,
        'intercept' as term,
        cast(null as {{ type_double() }}) as coefficient,
        cast(0.0 as {{ type_double() }}) as feature_mean,
        cast(1.0 as {{ type_double() }}) as feature_scale,
        'stage_win_rate' as method,
        cast(0 as {{ dbt.type_bigint() }}) as training_rows,
        cast(closed_deals as {{ dbt.type_bigint() }}) as closed_deals,
        cast(coalesce(won_deals, 0) as {{ dbt.type_bigint() }}) as won_deals,
        cast({{ var('win_probability_min_closed_deals') }} as {{ dbt.type_bigint() }}) as min_closed_deals,
        cast({{ var('win_probability_l2_penalty') }} as {{ type_double() }}) as l2_penalty,
        cast(null as boolean) as converged,
        cast(null as {{ dbt.type_bigint() }}) as iterations,
        cast(null as {{ dbt.type_bigint() }}) as holdout_deals,
        cast(null as {{ type_double() }}) as brier_score,
        cast(null as {{ type_double() }}) as brier_score_baseline,
        cast(null as {{ type_double() }}) as log_loss,
        cast(null as {{ type_double() }}) as log_loss_baseline,
        false as is_fitted,
        case
            when closed_deals = 0
                then 'No Python models on this engine; no deal closed by the cut-off: stage default probabilities.'
            else 'No Python models on this engine: probabilities are stage win rates of deals closed by the cut-off.'
        end as note
    from closed_by_cutoff
)

select * from fallback
