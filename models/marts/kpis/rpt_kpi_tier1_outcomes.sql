{#- Tier 1 outcomes: did we make money, and keep customers? One row per grain (rep, team,
    company), grain id and fiscal period. Bookings count for the owner at close in the period
    of the final close. Retention looks at the 12 months before the period start (the
    accounts that bought) and the 12 months after (did they buy again); net revenue
    retention compares the 12 months ending with the period with the 12 before; at rep and
    team grain each base account's current bookings are shared in proportion to the grain's
    prior bookings of it, so rep rows add up to team and company rows. Each window carries
    whether it is complete: its forward months over at the as-of date, its base months after
    the first deal's creation (the export covers them). A won deal
    whose amount is unknown (no amount, or no conversion rate for its currency) counts in
    won_count and in won_unknown_amount_count, never in an amount; net revenue retention
    leaves out the accounts with such a deal in the 24 months it looks at
    (nrr_unknown_amount_account_count), at every grain alike, so its numerator and
    denominator cover the same accounts. Definitions: docs blocks kpi_*. -#}

with spine as (
    select * from {{ ref('int_kpi_grain_periods') }}
),

as_of as (
    select {{ to_reporting_date('as_of') }} as as_of_date from {{ ref('stg_salesforce__export_as_of') }}
),

outcomes as (
    select * from {{ ref('int_opportunity_outcomes') }}
),

memberships as (
    select * from {{ ref('int_rep_grain_memberships') }}
),

quotas as (
    select * from {{ ref('int_quota_by_period') }}
),

spend as (
    select * from {{ ref('sales_marketing_spend') }}
),

periods as (
    select * from {{ ref('int_fiscal_periods') }}
),

-- the first deal's creation: the export covers no window that starts before it
data_start as (
    select min(created_date) as first_created_date from outcomes
),

won_deals as (
    select * from outcomes
    where is_won
),

closed_deals as (
    select * from outcomes
    where is_closed
),

won_attributed as (
    {{ attribute_to_grains_and_periods('won_deals', 'owner_at_close_id', 'outcome_date') }}
),

closed_attributed as (
    {{ attribute_to_grains_and_periods('closed_deals', 'owner_at_close_id', 'outcome_date') }}
),

bookings as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        count(*) as won_count,
        sum(amount) as bookings_amount,
        sum(case when amount is null then 1 else 0 end) as won_unknown_amount_count
    from won_attributed
    group by grain, grain_id, period_grain, period_start
),

renewals as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        sum(case when is_won then 1 else 0 end) as renewal_won_count,
        count(*) as renewal_closed_count
    from closed_attributed
    where is_renewal
    group by grain, grain_id, period_grain, period_start
),

first_wins as (
    select
        account_id,
        min(closed_at) as first_won_at
    from won_deals
    group by account_id
),

new_customer_deals as (
    select
        won_deals.*,
        row_number() over (
            partition by won_deals.account_id
            order by won_deals.outcome_date, won_deals.closed_at, won_deals.opportunity_id
        ) as win_number
    from won_deals
    inner join first_wins
        on won_deals.account_id = first_wins.account_id
),

first_win_deals as (
    select * from new_customer_deals
    where win_number = 1
),

new_customers_attributed as (
    {{ attribute_to_grains_and_periods('first_win_deals', 'owner_at_close_id', 'outcome_date') }}
),

new_customers as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        count(*) as new_customer_count
    from new_customers_attributed
    group by grain, grain_id, period_grain, period_start
),

quota_attributed as (
    {{ attribute_to_grains('quotas', 'owner_id') }}
),

quota_reps as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        count(distinct owner_id) as quota_carrying_rep_count
    from quota_attributed
    where quota_amount > 0
    group by grain, grain_id, period_grain, period_start
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

-- retention and net revenue retention look at 12-month windows: computed for the month,
-- quarter and year rows only; a window sliding by a week repeats its month's figure almost
-- unchanged at 52 times the rows, so week rows leave them null
retention_periods as (
    select * from spine
    where {{ is_month_period_grain('period_grain') }}
),

nrr_periods as (
    select * from periods
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

-- ... and whether each bought again (from anyone) in the 12 months from the period start
retention as (
    select
        retention_base.grain,
        retention_base.grain_id,
        retention_base.period_grain,
        retention_base.period_start,
        count(*) as retention_base_account_count,
        sum(case when exists (
            select 1 from won_deals
            where
                won_deals.account_id = retention_base.account_id
                and won_deals.outcome_date >= retention_base.period_start
                and won_deals.outcome_date < cast({{ dbt.dateadd('month', 12, 'retention_base.period_start') }} as date)
        ) then 1 else 0 end) as retained_account_count
    from retention_base
    group by retention_base.grain, retention_base.grain_id, retention_base.period_grain, retention_base.period_start
),

-- net revenue retention, per period: each base account's bookings by each owner at close in
-- the 12 months before the 12 months ending with the period (its prior bookings) ...
nrr_prior_by_owner as (
    select
        periods.period_grain,
        periods.period_start,
        periods.period_end,
        won_deals.account_id,
        won_deals.owner_at_close_id,
        sum(won_deals.amount) as prior_bookings_amount,
        count(*) as prior_won_count
    from nrr_periods as periods
    inner join won_deals
        on
            won_deals.outcome_date >= cast({{ dbt.dateadd('month', -24, 'periods.period_end') }} as date)
            and won_deals.outcome_date < cast({{ dbt.dateadd('month', -12, 'periods.period_end') }} as date)
    group by
        periods.period_grain, periods.period_start, periods.period_end,
        won_deals.account_id, won_deals.owner_at_close_id
),

-- ... each base account's prior bookings from all owners ...
nrr_account_prior as (
    select
        period_grain,
        period_start,
        period_end,
        account_id,
        sum(prior_bookings_amount) as account_prior_bookings_amount,
        sum(prior_won_count) as account_prior_won_count
    from nrr_prior_by_owner
    group by period_grain, period_start, period_end, account_id
),

-- ... its bookings (from anyone) in the 12 months ending with the period ...
nrr_account_current as (
    select
        nrr_account_prior.period_grain,
        nrr_account_prior.period_start,
        nrr_account_prior.period_end,
        nrr_account_prior.account_id,
        nrr_account_prior.account_prior_bookings_amount,
        nrr_account_prior.account_prior_won_count,
        coalesce(sum(current_wins.amount), cast(0 as decimal(18, 2))) as account_current_bookings_amount
    from nrr_account_prior
    left join won_deals as current_wins
        on
            nrr_account_prior.account_id = current_wins.account_id
            and current_wins.outcome_date
            >= cast({{ dbt.dateadd('month', -12, 'nrr_account_prior.period_end') }} as date)
            and nrr_account_prior.period_end > current_wins.outcome_date
    group by
        nrr_account_prior.period_grain, nrr_account_prior.period_start, nrr_account_prior.period_end,
        nrr_account_prior.account_id, nrr_account_prior.account_prior_bookings_amount,
        nrr_account_prior.account_prior_won_count
),

-- ... and whether any of its won deals (from anyone) in the 24 months has an unknown amount:
-- then it is left out of both sides of net revenue retention, at every grain
nrr_accounts_checked as (
    select
        nrr_account_current.*,
        case when exists (
            select 1 from won_deals
            where
                won_deals.account_id = nrr_account_current.account_id
                and won_deals.amount is null
                and won_deals.outcome_date
                >= cast({{ dbt.dateadd('month', -24, 'nrr_account_current.period_end') }} as date)
                and won_deals.outcome_date < nrr_account_current.period_end
        ) then 1 else 0 end as has_unknown_amount
    from nrr_account_current
),

-- an account's current bookings are shared among the owners who booked it before, in
-- proportion to their prior bookings of it (of their prior won deals when those add up to 0),
-- in whole cents: each owner gets the cents below their exact share, and the cents left go one
-- each to the largest remainders (then by owner id), so the shares add up to the account's
-- current bookings exactly and rep rows add up to team and company rows
nrr_owner_shares as (
    select
        nrr_prior_by_owner.period_grain,
        nrr_prior_by_owner.period_start,
        nrr_prior_by_owner.account_id,
        nrr_prior_by_owner.owner_at_close_id,
        nrr_prior_by_owner.prior_bookings_amount,
        nrr_accounts_checked.has_unknown_amount,
        cast(nrr_accounts_checked.account_current_bookings_amount * 100 as {{ type_double() }})
        * case
            when nrr_accounts_checked.account_prior_bookings_amount <> 0
                then
                    cast(nrr_prior_by_owner.prior_bookings_amount as {{ type_double() }})
                    / nrr_accounts_checked.account_prior_bookings_amount
            else
                cast(nrr_prior_by_owner.prior_won_count as {{ type_double() }})
                / nrr_accounts_checked.account_prior_won_count
        end as exact_share_cents,
        cast(round(nrr_accounts_checked.account_current_bookings_amount * 100) as bigint) as account_current_cents
    from nrr_prior_by_owner
    inner join nrr_accounts_checked
        on
            nrr_prior_by_owner.period_grain = nrr_accounts_checked.period_grain
            and nrr_prior_by_owner.period_start = nrr_accounts_checked.period_start
            and nrr_prior_by_owner.account_id = nrr_accounts_checked.account_id
),

nrr_owner_share_floors as (
    select
        *,
        floor(exact_share_cents) as floor_share_cents,
        exact_share_cents - floor(exact_share_cents) as remainder_share_cents
    from nrr_owner_shares
),

nrr_owner_share_ranks as (
    select
        *,
        account_current_cents - sum(floor_share_cents) over (
            partition by period_grain, period_start, account_id
        ) as cents_left,
        row_number() over (
            partition by period_grain, period_start, account_id
            order by remainder_share_cents desc, owner_at_close_id asc
        ) as remainder_rank
    from nrr_owner_share_floors
),

nrr_owner_allocated as (
    select
        period_grain,
        period_start,
        account_id,
        owner_at_close_id,
        has_unknown_amount,
        prior_bookings_amount,
        cast(
            (floor_share_cents + case when remainder_rank <= cents_left then 1 else 0 end) / 100 as decimal(18, 2)
        ) as current_bookings_amount
    from nrr_owner_share_ranks
),

nrr_attributed as (
    {{ attribute_to_grains('nrr_owner_allocated', 'owner_at_close_id') }}
),

nrr_current as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        sum(case when has_unknown_amount = 0 then prior_bookings_amount end) as nrr_prior_bookings_amount,
        sum(case when has_unknown_amount = 0 then current_bookings_amount end) as nrr_current_bookings_amount,
        count(distinct case when has_unknown_amount = 1 then account_id end) as nrr_unknown_amount_account_count
    from nrr_attributed
    group by grain, grain_id, period_grain, period_start
),

spend_by_period as (
    {%- for grain in month_period_grains() %}
        select
            '{{ grain }}' as period_grain,
            {{ fiscal_period_start('period_start', grain) }} as period_start,
            sum(spend_amount) as spend_amount
        from spend
        group by {{ fiscal_period_start('period_start', grain) }}
        {{- '\n    union all' if not loop.last }}
    {%- endfor %}
),

combined as (
    select
        spine.grain,
        spine.grain_id,
        spine.period_grain,
        spine.period_start,
        spine.period_end,
        coalesce(bookings.won_count, 0) as won_count,
        cast(coalesce(bookings.bookings_amount, 0) as decimal(18, 2)) as bookings_amount,
        -- quotas are set per month, quarter and year: no rep carries one for a week
        case
            when {{ is_month_period_grain('spine.period_grain') }} then coalesce(quota_reps.quota_carrying_rep_count, 0)
        end as quota_carrying_rep_count,
        {%- if var('cost_of_sales_rate') is not none %}
        cast(coalesce(bookings.bookings_amount, 0) * {{ var('cost_of_sales_rate') }} as decimal(18, 2)) as cost_amount,
        {%- else %}
            cast(null as decimal(18, 2)) as cost_amount,
        {%- endif %}
        -- needs OpportunityLineItem (list and sales prices), which the export contract does not read yet
        cast(null as decimal(18, 2)) as list_price_amount,
        cast(null as decimal(18, 2)) as sales_price_amount,
        -- the 12-month retention windows: null at week grain (see retention_periods)
        {%- set has_retention = is_month_period_grain('spine.period_grain') %}
        case when {{ has_retention }} then coalesce(retention.retention_base_account_count, 0) end
            as retention_base_account_count,
        case when {{ has_retention }} then coalesce(retention.retained_account_count, 0) end
            as retained_account_count,
        case
            when {{ has_retention }}
                then cast({{ dbt.dateadd('month', 12, 'spine.period_start') }} as date) <= as_of.as_of_date
        end as is_retention_window_complete,
        case
            when {{ has_retention }}
                then coalesce(
                    cast({{ dbt.dateadd('month', -12, 'spine.period_start') }} as date)
                    >= data_start.first_created_date,
                    false
                )
        end as is_retention_base_window_complete,
        case when {{ has_retention }} then spine.period_end <= as_of.as_of_date end as is_nrr_window_complete,
        case
            when {{ has_retention }}
                then coalesce(
                    cast({{ dbt.dateadd('month', -24, 'spine.period_end') }} as date)
                    >= data_start.first_created_date,
                    false
                )
        end as is_nrr_base_window_complete,
        case
            when {{ has_retention }}
                then cast(coalesce(nrr_current.nrr_prior_bookings_amount, 0) as decimal(18, 2))
        end as nrr_prior_bookings_amount,
        case
            when {{ has_retention }}
                then cast(coalesce(nrr_current.nrr_current_bookings_amount, 0) as decimal(18, 2))
        end as nrr_current_bookings_amount,
        coalesce(renewals.renewal_won_count, 0) as renewal_won_count,
        coalesce(renewals.renewal_closed_count, 0) as renewal_closed_count,
        coalesce(new_customers.new_customer_count, 0) as new_customer_count,
        case when spine.grain = 'company' then spend_by_period.spend_amount end as spend_amount,
        coalesce(bookings.won_unknown_amount_count, 0) as won_unknown_amount_count,
        case
            when {{ has_retention }} then coalesce(nrr_current.nrr_unknown_amount_account_count, 0)
        end as nrr_unknown_amount_account_count
    from spine
    cross join as_of
    cross join data_start
    {%- for metrics in ['bookings', 'quota_reps', 'retention', 'nrr_current', 'renewals', 'new_customers'] %}
        left join {{ metrics }}
            on
                spine.grain = {{ metrics }}.grain
                and spine.grain_id = {{ metrics }}.grain_id
                and spine.period_grain = {{ metrics }}.period_grain
                and spine.period_start = {{ metrics }}.period_start
    {%- endfor %}
    left join spend_by_period
        on spine.period_grain = spend_by_period.period_grain and spine.period_start = spend_by_period.period_start
),

ratios as (
    select
        combined.*,
        cast(combined.bookings_amount as {{ type_double() }})
        / nullif(combined.quota_carrying_rep_count, 0) as revenue_per_rep_amount,
        combined.bookings_amount - combined.cost_amount as gross_margin_amount,
        cast(combined.bookings_amount - combined.cost_amount as {{ type_double() }})
        / nullif(combined.bookings_amount, 0) as gross_margin_rate,
        1
        - cast(combined.sales_price_amount as {{ type_double() }})
        / nullif(combined.list_price_amount, 0) as discount_rate,
        cast(combined.retained_account_count as {{ type_double() }}) / nullif(combined.retention_base_account_count, 0)
            as logo_retention_rate,
        cast(combined.nrr_current_bookings_amount as {{ type_double() }})
        / nullif(combined.nrr_prior_bookings_amount, 0)
            as net_revenue_retention_rate,
        cast(combined.renewal_won_count as {{ type_double() }})
        / nullif(combined.renewal_closed_count, 0) as renewal_rate,
        cast(combined.spend_amount as {{ type_double() }}) / nullif(combined.new_customer_count, 0) as cac_amount
    from combined
)

{{ select_contract_columns('ratios') }}
