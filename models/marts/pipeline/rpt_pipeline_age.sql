{#- Pipeline age: one row per grain (rep, team, company), grain id and fiscal period of
    int_kpi_grain_periods: the deals open at the period's end (int_open_deals_at_period_end:
    the period end, or the as-of time for the period running), for their owner then, by age:
    whole days from the deal's creation date to the measuring date, in buckets 0-30, 31-60,
    61-90 and over 90. Counts and amounts in the corporate currency: a period that ended at
    the rate of its end (int_open_deals_at_dates), the running one at the as-of date's
    (fct_open_deals). A deal whose amount is unknown counts in the deal counts and in
    open_unknown_amount_count, never in an amount. -#}

with spine as (
    select * from {{ ref('int_kpi_grain_periods') }}
),

as_of as (
    select as_of from {{ ref('stg_crm__export_as_of') }}
),

open_at_period_end as (
    select * from {{ ref('int_open_deals_at_period_end') }}
),

open_at_dates as (
    select * from {{ ref('int_open_deals_at_dates') }}
),

open_now as (
    select * from {{ ref('fct_open_deals') }}
),

outcomes as (
    select * from {{ ref('int_opportunity_outcomes') }}
),

rep_grain_memberships as (
    select * from {{ ref('int_rep_grain_memberships') }}
),

aged as (
    select
        open_at_period_end.period_grain,
        open_at_period_end.period_start,
        open_at_period_end.opportunity_id,
        open_at_period_end.owner_id,
        case
            when open_at_period_end.measured_at < as_of.as_of then open_at_dates.amount
            else open_now.amount
        end as amount,
        cast(
            {{ dbt.datediff('outcomes.created_date', 'open_at_period_end.measured_date', 'day') }}
            as integer
        ) as age_days
    from open_at_period_end
    cross join as_of
    inner join outcomes
        on open_at_period_end.opportunity_id = outcomes.opportunity_id
    left join open_at_dates
        on
            open_at_period_end.opportunity_id = open_at_dates.opportunity_id
            and open_at_period_end.measured_at = open_at_dates.snapshot_at
    left join open_now
        on open_at_period_end.opportunity_id = open_now.opportunity_id
),

aged_attributed as (
    {{ attribute_to_grains('aged', 'owner_id', 'rep_grain_memberships', 'rep_id') }}
),

by_age as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        count(*) as open_deal_count,
        sum(amount) as open_amount,
        sum(case when amount is null then 1 else 0 end) as open_unknown_amount_count,
        sum(case when age_days >= 0 and age_days <= 30 then 1 else 0 end) as age_0_30_deal_count,
        sum(case when age_days >= 0 and age_days <= 30 then amount end) as age_0_30_amount,
        sum(case when age_days >= 31 and age_days <= 60 then 1 else 0 end) as age_31_60_deal_count,
        sum(case when age_days >= 31 and age_days <= 60 then amount end) as age_31_60_amount,
        sum(case when age_days >= 61 and age_days <= 90 then 1 else 0 end) as age_61_90_deal_count,
        sum(case when age_days >= 61 and age_days <= 90 then amount end) as age_61_90_amount,
        sum(case when age_days >= 91 then 1 else 0 end) as age_over_90_deal_count,
        sum(case when age_days >= 91 then amount end) as age_over_90_amount
    from aged_attributed
    group by grain, grain_id, period_grain, period_start
),

pipeline_age as (
    select
        spine.grain,
        spine.grain_id,
        spine.grain_name,
        spine.period_grain,
        spine.period_start,
        spine.period_end,
        cast(coalesce(by_age.open_amount, 0) as decimal(18, 2)) as open_amount,
        cast(coalesce(by_age.age_0_30_amount, 0) as decimal(18, 2)) as age_0_30_amount,
        cast(coalesce(by_age.age_31_60_amount, 0) as decimal(18, 2)) as age_31_60_amount,
        cast(coalesce(by_age.age_61_90_amount, 0) as decimal(18, 2)) as age_61_90_amount,
        cast(coalesce(by_age.age_over_90_amount, 0) as decimal(18, 2)) as age_over_90_amount,
        coalesce(by_age.open_deal_count, 0) as open_deal_count,
        coalesce(by_age.open_unknown_amount_count, 0) as open_unknown_amount_count,
        coalesce(by_age.age_0_30_deal_count, 0) as age_0_30_deal_count,
        coalesce(by_age.age_31_60_deal_count, 0) as age_31_60_deal_count,
        coalesce(by_age.age_61_90_deal_count, 0) as age_61_90_deal_count,
        coalesce(by_age.age_over_90_deal_count, 0) as age_over_90_deal_count
    from spine
    left join by_age
        on
            spine.grain = by_age.grain
            and spine.grain_id = by_age.grain_id
            and spine.period_grain = by_age.period_grain
            and spine.period_start = by_age.period_start
)

{{ select_contract_columns('pipeline_age') }}
