{#- SQL stand-in for the Python model on engines without dbt Python models (PostgreSQL,
    Redshift, Spark outside Databricks): no logistic fit, so the scoring uses historical
    stage win rates, nothing is evaluated on held-out deals (null scores) and closed_deals
    counts every closed deal of the export. Same columns as the Python model's output. -#}

-- deals closed by the as-of time, with their outcome then
with closed_deals as (
    select
        count(*) as closed_deals,
        sum(case when is_won then 1 else 0 end) as won_deals
    from {{ ref('int_opportunity_outcomes') }}
    where is_closed
),

fallback as (
    select
        'intercept' as term,
        cast(null as {{ type_double() }}) as coefficient,
        cast(0.0 as {{ type_double() }}) as feature_mean,
        cast(1.0 as {{ type_double() }}) as feature_scale,
        'stage_win_rate' as method,
        cast(0 as {{ dbt.type_bigint() }}) as training_rows,
        cast(closed_deals.closed_deals as {{ dbt.type_bigint() }}) as closed_deals,
        cast(coalesce(closed_deals.won_deals, 0) as {{ dbt.type_bigint() }}) as won_deals,
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
        'This engine runs no Python models: probabilities are historical stage win rates.' as note
    from closed_deals
)

select * from fallback
