{#- One row per grain (rep, team, company), grain id and fiscal quarter: logo and net revenue
    retention counts and amounts, which do not add up over reps (an account won by two reps
    is one account of the company), from rpt_kpi_tier1_outcomes. -#}

with tier1 as (
    select * from {{ ref('rpt_kpi_tier1_outcomes') }}
    where period_grain = 'quarter'
),

grain_quarters as (
    select
        grain,
        grain_id,
        grain_name,
        period_start as quarter_start,
        retention_base_account_count,
        retained_account_count,
        is_retention_window_complete,
        is_retention_base_window_complete,
        is_nrr_window_complete,
        is_nrr_base_window_complete,
        nrr_prior_bookings_amount,
        nrr_current_bookings_amount,
        nrr_unknown_amount_account_count
    from tier1
)

select * from grain_quarters
