{#- One row per grain (rep, team, company), grain id and fiscal quarter: logo and net revenue
    retention counts and amounts, which do not add up over reps (an account won by two reps
    is one account of the company), the parts of customer lifetime value and the magic number,
    from rpt_kpi_tier1_outcomes; and the pipeline open at the quarter end by age
    (rpt_pipeline_age), a state at a moment that does not add up over quarters. -#}

with tier1 as (
    select * from {{ ref('rpt_kpi_tier1_outcomes') }}
    where period_grain = 'quarter'
),

pipeline_age as (
    select * from {{ ref('rpt_pipeline_age') }}
    where period_grain = 'quarter'
),

grain_quarters as (
    select
        tier1.grain,
        tier1.grain_id,
        tier1.grain_name,
        tier1.period_start as quarter_start,
        tier1.retention_base_account_count,
        tier1.retained_account_count,
        tier1.is_retention_window_complete,
        tier1.is_retention_base_window_complete,
        tier1.is_nrr_window_complete,
        tier1.is_nrr_base_window_complete,
        tier1.nrr_prior_bookings_amount,
        tier1.nrr_current_bookings_amount,
        tier1.nrr_unknown_amount_account_count,
        tier1.retained_bookings_amount,
        tier1.prior_quarter_bookings_amount,
        tier1.prior_quarter_spend_amount,
        tier1.bookings_amount as quarter_bookings_amount,
        tier1.gross_margin_amount as quarter_gross_margin_amount,
        pipeline_age.open_deal_count as quarter_end_open_deal_count,
        pipeline_age.open_amount as quarter_end_open_amount,
        pipeline_age.age_0_30_deal_count as quarter_end_age_0_30_deal_count,
        pipeline_age.age_0_30_amount as quarter_end_age_0_30_amount,
        pipeline_age.age_31_60_deal_count as quarter_end_age_31_60_deal_count,
        pipeline_age.age_31_60_amount as quarter_end_age_31_60_amount,
        pipeline_age.age_61_90_deal_count as quarter_end_age_61_90_deal_count,
        pipeline_age.age_61_90_amount as quarter_end_age_61_90_amount,
        pipeline_age.age_over_90_deal_count as quarter_end_age_over_90_deal_count,
        pipeline_age.age_over_90_amount as quarter_end_age_over_90_amount
    from tier1
    left join pipeline_age
        on
            tier1.grain = pipeline_age.grain
            and tier1.grain_id = pipeline_age.grain_id
            and tier1.period_start = pipeline_age.period_start
)

select * from grain_quarters
