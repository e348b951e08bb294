{#- One row per rep and fiscal quarter: the KPI inputs measured at the quarter start or over
    the quarter as a whole (pipeline, Commit deals, slippage, account reach and engagement,
    the rep's quota attainment), from the rep rows of the KPI marts. They add up over reps
    but not over periods: a quarter is not the sum of its months. -#}

with tier2 as (
    select * from {{ ref('rpt_kpi_tier2_diagnostics') }}
    where grain = 'rep' and period_grain = 'quarter'
),

tier3 as (
    select * from {{ ref('rpt_kpi_tier3_levers') }}
    where grain = 'rep' and period_grain = 'quarter'
),

rep_quarters as (
    select
        tier2.grain_id as rep_id,
        tier2.period_start as quarter_start,
        tier2.commit_deal_count,
        tier2.commit_won_count,
        tier2.commit_amount,
        tier2.commit_won_amount,
        tier2.forecast_called_amount,
        tier2.quota_attainment_rate,
        tier2.quota_to_date_amount,
        tier2.period_elapsed_share,
        tier3.pipeline_at_start_amount,
        tier3.expected_to_close_count,
        tier3.slipped_count,
        tier3.owned_account_count,
        tier3.reached_account_count,
        tier3.open_deal_account_count,
        tier3.engaged_account_count,
        tier2.commit_unknown_amount_count,
        tier3.pipeline_unknown_amount_count,
        coalesce(tier2.quota_attainment_rate >= 1, false) as is_at_or_above_quota
    from tier2
    inner join tier3
        on tier2.grain_id = tier3.grain_id and tier2.period_start = tier3.period_start
)

select * from rep_quarters
