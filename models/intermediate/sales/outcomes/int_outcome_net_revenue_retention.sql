{#- Net revenue retention of tier 1: one row per grain (rep, team, company), grain id and fiscal
    period (month, quarter, year) with base accounts: the bookings of the accounts won in the
    12 months before the 12 months ending with the period (prior) and their bookings in those
    12 months (current), shared among the owners who booked them before in proportion to
    their prior bookings (in whole cents); accounts with a won deal of unknown amount in the 24
    months are left out of both and counted apart. -#}

with periods as (
    select * from {{ ref('int_fiscal_periods') }}
),

outcomes as (
    select * from {{ ref('int_opportunity_outcomes') }}
),

rep_grain_memberships as (
    select * from {{ ref('int_rep_grain_memberships') }}
),

won_deals as (
    select * from outcomes
    where is_won
),

nrr_periods as (
    select * from periods
    where {{ is_month_period_grain('period_grain') }}
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
    {{ attribute_to_grains('nrr_owner_allocated', 'owner_at_close_id', 'rep_grain_memberships', 'rep_id') }}
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
)

select * from nrr_current
