{#- One row per rep with a start: how long the rep took to reach a full month of quota. The
    start month is the rep's first month with a quota above 0 (int_quota_by_period), else the
    month the rep first owned a deal (its creation, or its hand-over to them:
    int_opportunity_owners_historized), in the reporting time zone. The ramped month is the
    first month from the start whose won amount (the bookings rule, owner at close) is at or
    above that month's quota (quota_attainment_rate >= 1, the rule of tier 2); months to ramp
    = whole months from the start month to it (0: at quota in the first month). A rep not at
    quota in any month by the as-of time is not ramped (ramped month and months null). -#}

with reps as (
    select * from {{ ref('dim_reps') }}
),

quotas as (
    select * from {{ ref('int_quota_by_period') }}
    where period_grain = 'month' and quota_amount > 0
),

bookings as (
    select * from {{ ref('int_outcome_bookings') }}
    where grain = 'rep' and period_grain = 'month'
),

ownerships as (
    select * from {{ ref('int_opportunity_owners_historized') }}
),

first_quota_months as (
    select
        owner_id as rep_id,
        min(period_start) as first_quota_month
    from quotas
    group by owner_id
),

first_deal_months as (
    select
        owner_id as rep_id,
        min({{ fiscal_period_start(to_reporting_date('valid_from'), 'month') }}) as first_deal_month
    from ownerships
    where owner_id is not null
    group by owner_id
),

starts as (
    select
        reps.rep_id,
        reps.rep_name,
        reps.team_id,
        reps.team_name,
        coalesce(first_quota_months.first_quota_month, first_deal_months.first_deal_month) as start_month,
        case
            when first_quota_months.first_quota_month is not null then 'first_quota'
            when first_deal_months.first_deal_month is not null then 'first_deal'
        end as start_source
    from reps
    left join first_quota_months
        on reps.rep_id = first_quota_months.rep_id
    left join first_deal_months
        on reps.rep_id = first_deal_months.rep_id
),

monthly_attainment as (
    select
        quotas.owner_id as rep_id,
        quotas.period_start as month_start,
        {{ quota_attainment_rate('bookings.bookings_amount', 'quotas.quota_amount') }} as attainment_rate
    from quotas
    left join bookings
        on
            quotas.owner_id = bookings.grain_id
            and quotas.period_start = bookings.period_start
),

ramped_months as (
    select
        starts.rep_id,
        min(monthly_attainment.month_start) as ramped_month
    from starts
    inner join monthly_attainment
        on
            starts.rep_id = monthly_attainment.rep_id
            and starts.start_month <= monthly_attainment.month_start
            and monthly_attainment.attainment_rate >= 1
    group by starts.rep_id
),

ramps as (
    select
        starts.rep_id,
        starts.rep_name,
        starts.team_id,
        starts.team_name,
        starts.start_month,
        starts.start_source,
        ramped_months.ramped_month,
        -- whole months between two month starts
        cast(
            (extract(year from ramped_months.ramped_month) - extract(year from starts.start_month)) * 12
            + extract(month from ramped_months.ramped_month) - extract(month from starts.start_month)
            as integer
        ) as months_to_ramp,
        ramped_months.ramped_month is not null as is_ramped
    from starts
    left join ramped_months
        on starts.rep_id = ramped_months.rep_id
    where starts.start_month is not null
)

{{ select_contract_columns('ramps') }}
