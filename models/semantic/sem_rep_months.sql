{#- One row per rep and fiscal month: the additive KPI inputs that exist only as aggregates
    (quotas, costs, line-item prices, new customers, close-date pushes, stage entries and
    advances summed over stages), taken from the rep rows of the KPI marts. Months add up to
    quarters and years for all of them, so MetricFlow may sum them over any period. -#}

with tier1 as (
    select * from {{ ref('rpt_kpi_tier1_outcomes') }}
    where grain = 'rep' and period_grain = 'month'
),

tier2 as (
    select * from {{ ref('rpt_kpi_tier2_diagnostics') }}
    where grain = 'rep' and period_grain = 'month'
),

tier3 as (
    select * from {{ ref('rpt_kpi_tier3_levers') }}
    where grain = 'rep' and period_grain = 'month'
),

rep_months as (
    select
        tier1.grain_id as rep_id,
        tier1.period_start as month_start,
        tier2.quota_amount,
        tier1.cost_amount,
        tier1.list_price_amount,
        tier1.sales_price_amount,
        tier1.new_customer_count,
        tier3.close_date_push_count
    from tier1
    inner join tier2
        on tier1.grain_id = tier2.grain_id and tier1.period_start = tier2.period_start
    inner join tier3
        on tier1.grain_id = tier3.grain_id and tier1.period_start = tier3.period_start
)

select * from rep_months
