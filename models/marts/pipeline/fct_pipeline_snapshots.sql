{#- One row per published snapshot date (int_pipeline_dates.is_snapshot_date: the week starts,
    or every day with var pipeline_snapshot_grain = day) and deal open at its start: the deal
    as it stood then (int_open_deals_at_dates: stage, forecast category, close date, owner,
    amount at the date's rate, close-date pushes so far) and the win-probability model's
    probability of that state (int_win_probability_at_dates). Built from the deals' history,
    never from the wall clock: a rebuild from the same export gives the same rows. -#}

with dates as (
    select * from {{ ref('int_pipeline_dates') }}
    where is_snapshot_date
),

open_deals as (
    select * from {{ ref('int_open_deals_at_dates') }}
),

probabilities as (
    select * from {{ ref('int_win_probability_at_dates') }}
),

outcomes as (
    select * from {{ ref('int_opportunity_outcomes') }}
),

reps as (
    select * from {{ ref('int_reps_identified') }}
),

snapshots as (
    select
        open_deals.snapshot_date,
        open_deals.opportunity_id,
        outcomes.account_id,
        open_deals.owner_id,
        reps.rep_name as owner_name,
        open_deals.stage_name,
        open_deals.forecast_category,
        open_deals.close_date,
        open_deals.close_date_pushes,
        open_deals.amount,
        probabilities.win_probability,
        {{ pipeline_weighted_amount('open_deals.amount', 'probabilities.win_probability') }} as weighted_amount,
        probabilities.probability_method
    from open_deals
    inner join dates
        on open_deals.snapshot_date = dates.snapshot_date
    inner join outcomes
        on open_deals.opportunity_id = outcomes.opportunity_id
    left join probabilities
        on
            open_deals.opportunity_id = probabilities.opportunity_id
            and open_deals.snapshot_date = probabilities.snapshot_date
    left join reps
        on open_deals.owner_id = reps.rep_id
)

{{ select_contract_columns('snapshots') }}
