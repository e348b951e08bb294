{#- Account reach and engagement lever: one row per grain (rep, team, company), grain id and
    fiscal period with accounts owned or an account with a deal open. Accounts count for
    their owner (the export has no account history: the current owner, for every period),
    from the period they existed at the end of (always, when the export has no
    Account.CreatedDate): the accounts owned, those touched in the period (reached), those
    with a deal open at some time in it and, of those, the engaged ones (median gap between
    their interactions that period within var cadence_target_days). Accounts are unique and
    have one owner, so every count is taken per owner first and rolled up to the grains. -#}

with as_of as (
    select as_of from {{ ref('stg_crm__export_as_of') }}
),

accounts as (
    -- accounts created by the as-of time (or not dated by the export)
    {{ rows_up_to_as_of(ref('stg_crm__accounts'), 'created_at', 'as_of', keep_undated=true) }}
),

interactions as (
    select
        *,
        {{ to_reporting_date('occurred_at') }} as occurred_date
    from {{ ref('int_interactions_unified') }}
),

periods as (
    select * from {{ ref('int_fiscal_periods') }}
),

states as (
    select * from {{ ref('int_opportunity_states_historized') }}
),

opportunities as (
    select * from {{ ref('stg_crm__opportunities') }}
),

rep_grain_memberships as (
    select * from {{ ref('int_rep_grain_memberships') }}
),

account_owners as (
    select
        account_id,
        owner_id,
        {{ to_reporting_date('created_at') }} as created_date
    from accounts
),

-- each interaction on an account in its fiscal week, month, quarter and year (computed, not
-- joined: a range join of every interaction to every period is quadratic)
account_interaction_periods as (
    {%- for period_grain in period_grains() %}
        select
            account_id,
            '{{ period_grain }}' as period_grain,
            {{ fiscal_period_start('occurred_date', period_grain) }} as period_start,
            days_since_previous_account_interaction
        from interactions
        where account_id is not null
        {{- '\n    union all' if not loop.last }}
    {%- endfor %}
),

-- one row per account and period it was touched in, with its median gap that period
period_account_gaps as (
    select
        account_id,
        period_grain,
        period_start,
        {{ percentile_cont('days_since_previous_account_interaction', 0.5) }} as median_gap_days
    from account_interaction_periods
    group by account_id, period_grain, period_start
),

-- accounts that existed at each period end, per owner (by creation day first)
accounts_created_by_owner as (
    select
        owner_id,
        created_date,
        count(*) as created_account_count
    from account_owners
    group by owner_id, created_date
),

owned_by_owner as (
    select
        accounts_created_by_owner.owner_id,
        periods.period_grain,
        periods.period_start,
        sum(accounts_created_by_owner.created_account_count) as owned_account_count
    from accounts_created_by_owner
    inner join periods
        on
            accounts_created_by_owner.created_date is null
            or accounts_created_by_owner.created_date < periods.period_end
    group by accounts_created_by_owner.owner_id, periods.period_grain, periods.period_start
),

owned_attributed as (
    {{ attribute_to_grains('owned_by_owner', 'owner_id', 'rep_grain_memberships', 'rep_id') }}
),

-- accounts with a deal open at some time in each period
open_deal_accounts as (
    select distinct
        opportunities.account_id,
        periods.period_grain,
        periods.period_start
    from states
    inner join opportunities
        on states.opportunity_id = opportunities.opportunity_id
    inner join periods
        on
            {{ to_reporting_date('states.valid_from') }} < periods.period_end
            and (states.valid_to is null or {{ to_reporting_date('states.valid_to') }} >= periods.period_start)
    where not states.is_closed_stage
),

-- one row per account and period in which it was touched or had a deal open
account_periods as (
    select
        coalesce(period_account_gaps.account_id, open_deal_accounts.account_id) as account_id,
        coalesce(period_account_gaps.period_grain, open_deal_accounts.period_grain) as period_grain,
        coalesce(period_account_gaps.period_start, open_deal_accounts.period_start) as period_start,
        period_account_gaps.account_id is not null as is_touched,
        open_deal_accounts.account_id is not null as has_open_deal,
        coalesce(period_account_gaps.median_gap_days <= {{ var('cadence_target_days') }}, false) as is_engaged
    from period_account_gaps
    full outer join open_deal_accounts
        on
            period_account_gaps.account_id = open_deal_accounts.account_id
            and period_account_gaps.period_grain = open_deal_accounts.period_grain
            and period_account_gaps.period_start = open_deal_accounts.period_start
),

-- reached (touched, of the accounts that existed at the period end), with a deal open and
-- engaged, per account owner
account_periods_by_owner as (
    select
        account_owners.owner_id,
        account_periods.period_grain,
        account_periods.period_start,
        sum(
            case
                when
                    account_periods.is_touched
                    and (account_owners.created_date is null or account_owners.created_date < periods.period_end)
                    then 1
                else 0
            end
        ) as reached_account_count,
        sum(case when account_periods.has_open_deal then 1 else 0 end) as open_deal_account_count,
        sum(case when account_periods.has_open_deal and account_periods.is_engaged then 1 else 0 end)
            as engaged_account_count
    from account_periods
    inner join account_owners
        on account_periods.account_id = account_owners.account_id
    inner join periods
        on account_periods.period_grain = periods.period_grain and account_periods.period_start = periods.period_start
    group by account_owners.owner_id, account_periods.period_grain, account_periods.period_start
),

account_periods_attributed as (
    {{ attribute_to_grains('account_periods_by_owner', 'owner_id', 'rep_grain_memberships', 'rep_id') }}
),

-- both rolled up to the grains, one row per grain and period
account_parts as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        owned_account_count,
        null as reached_account_count,
        null as open_deal_account_count,
        null as engaged_account_count
    from owned_attributed
    union all
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        null as owned_account_count,
        reached_account_count,
        open_deal_account_count,
        engaged_account_count
    from account_periods_attributed
),

account_counts as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        sum(owned_account_count) as owned_account_count,
        -- reached accounts where the grain owns accounts in the period (0 when none reached)
        case when count(owned_account_count) > 0 then coalesce(sum(reached_account_count), 0) end
            as reached_account_count,
        sum(open_deal_account_count) as open_deal_account_count,
        sum(engaged_account_count) as engaged_account_count
    from account_parts
    group by grain, grain_id, period_grain, period_start
)

select * from account_counts
