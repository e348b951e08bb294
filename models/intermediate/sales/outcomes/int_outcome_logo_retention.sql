{#- Logo retention of tier 1: one row per grain (rep, team, company), grain id and fiscal period
    (month, quarter, year; a window sliding by a week repeats its month's figure, so weeks have
    none) with accounts in the retention base: the accounts the grain won in the 12 months
    before the period start, and how many of them bought again (from anyone) in the 12 months
    from the period start, and their bookings (known amounts, from anyone) in those 12 months,
    the numerator of the customer lifetime value's annual bookings per retained customer. -#}

with spine as (
    select * from {{ ref('int_kpi_grain_periods') }}
),

outcomes as (
    select * from {{ ref('int_opportunity_outcomes') }}
),

memberships as (
    select * from {{ ref('int_rep_grain_memberships') }}
),

won_deals as (
    select * from outcomes
    where is_won
),

won_by_grain as (
    select
        memberships.grain,
        memberships.grain_id,
        won_deals.account_id,
        won_deals.outcome_date,
        won_deals.amount
    from won_deals
    inner join memberships
        on coalesce(won_deals.owner_at_close_id, '{{ no_owner_rep_id() }}') = memberships.rep_id
),

-- the 12-month windows: month, quarter and year rows only
retention_periods as (
    select * from spine
    where {{ is_month_period_grain('period_grain') }}
),

-- accounts the grain won in the 12 months before the period start ...
retention_base as (
    select distinct
        spine.grain,
        spine.grain_id,
        spine.period_grain,
        spine.period_start,
        won_by_grain.account_id
    from retention_periods as spine
    inner join won_by_grain
        on
            spine.grain = won_by_grain.grain
            and spine.grain_id = won_by_grain.grain_id
            and won_by_grain.outcome_date >= cast({{ dbt.dateadd('month', -12, 'spine.period_start') }} as date)
            and spine.period_start > won_by_grain.outcome_date
),

-- ... and what each bought again (from anyone) in the 12 months from the period start
rebought as (
    select
        retention_base.grain,
        retention_base.grain_id,
        retention_base.period_grain,
        retention_base.period_start,
        retention_base.account_id,
        count(won_deals.account_id) as rewon_count,
        sum(won_deals.amount) as rewon_amount
    from retention_base
    left join won_deals
        on
            retention_base.account_id = won_deals.account_id
            and retention_base.period_start <= won_deals.outcome_date
            and cast({{ dbt.dateadd('month', 12, 'retention_base.period_start') }} as date) > won_deals.outcome_date
    group by
        retention_base.grain,
        retention_base.grain_id,
        retention_base.period_grain,
        retention_base.period_start,
        retention_base.account_id
),

retention as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        cast(coalesce(sum(rewon_amount), 0) as decimal(18, 2)) as retained_bookings_amount,
        count(*) as retention_base_account_count,
        sum(case when rewon_count > 0 then 1 else 0 end) as retained_account_count
    from rebought
    group by grain, grain_id, period_grain, period_start
)

select * from retention
