{#- One row per rep and fiscal month: the additive KPI inputs that exist only as aggregates
    (quotas, costs, line-item prices, new customers, close-date pushes, stage entries and
    advances summed over stages), taken from the rep rows of the KPI marts. Months add up to
    quarters and years for all of them, so MetricFlow may sum them over any period. Quotas
    come from int_quota_by_period's months, those after the as-of time included (rows with
    quota only), so a running quarter or year sums to its full quota, as in the marts. -#}

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

quota_months as (
    select
        owner_id as rep_id,
        period_start as month_start,
        quota_amount
    from {{ ref('int_quota_by_period') }}
    where period_grain = 'month' and quota_amount > 0
),

tier_months as (
    select
        tier1.grain_id as rep_id,
        tier1.period_start as month_start,
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
),

month_keys as (
    select
        rep_id,
        month_start
    from tier_months
    union
    select
        rep_id,
        month_start
    from quota_months
),

rep_months as (
    select
        month_keys.rep_id,
        month_keys.month_start,
        tier_months.cost_amount,
        tier_months.list_price_amount,
        tier_months.sales_price_amount,
        tier_months.new_customer_count,
        tier_months.close_date_push_count,
        cast(coalesce(quota_months.quota_amount, 0) as {{ revops_number_type('amount') }}) as quota_amount
    from month_keys
    left join tier_months
        on month_keys.rep_id = tier_months.rep_id and month_keys.month_start = tier_months.month_start
    left join quota_months
        on month_keys.rep_id = quota_months.rep_id and month_keys.month_start = quota_months.month_start
)

select * from rep_months
