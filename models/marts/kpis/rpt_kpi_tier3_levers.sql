{#- Tier 3 levers: where in the process did it start? One row per grain (rep, team, company),
    grain id and fiscal period. Each lever counts for the rep who owned the thing when it
    happened: leads for their owner in the period they were created; won deals for the owner
    at close; stage visits for the deal's owner when the visit ended; first stage entries for
    the owner at entry; pipeline and slippage for the owner at the period start; close-date
    pushes for the owner when pushed; interactions for the user who logged them (any user:
    int_user_grain_memberships); accounts for their owner, from the period end they existed
    at. Every ratio comes with its numerator and denominator. A deal whose amount is
    unknown (no amount, or no conversion rate for its currency) counts in the deal counts and
    in the *_unknown_amount_count next to them, never in an amount: the average deal size (and
    so sales velocity) divides by the won deals with a known amount only. -#}

with spine as (
    select * from {{ ref('int_kpi_grain_periods') }}
),

owners as (
    select * from {{ ref('int_opportunity_owners_historized') }}
),

funnel as (
    select * from {{ ref('stg_salesforce__stage_funnel') }}
),

leads as (
    select * from {{ ref('int_lead_first_responses') }}
),

outcomes as (
    select * from {{ ref('int_opportunity_outcomes') }}
),

-- accounts created by the as-of time (or not dated by the export)
accounts as (
    {{ rows_up_to_as_of(ref('stg_salesforce__accounts'), 'created_at', keep_undated=true) }}
),

lead_rows as (
    select
        owner_id,
        {{ to_reporting_date('created_at') }} as created_date,
        first_response_minutes,
        is_untouched
    from leads
),

lead_attributed as (
    {{ attribute_to_grains_and_periods('lead_rows', 'owner_id', 'created_date') }}
),

-- leads but no creation time on any of them: the export has no Lead.CreatedDate (a blank
-- one is quarantined), so the lead counts are unknown (null), not zero
lead_dating as (
    select count(*) > 0 and count(created_at) = 0 as is_lead_creation_unknown
    from leads
),

lead_response as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        count(*) as lead_count,
        sum(case when is_untouched then 1 else 0 end) as untouched_lead_count,
        {{ percentile_cont('first_response_minutes', 0.5) }} as median_lead_response_minutes
    from lead_attributed
    group by grain, grain_id, period_grain, period_start
),

won_deals as (
    select * from outcomes
    where is_won
),

won_attributed as (
    {{ attribute_to_grains_and_periods('won_deals', 'owner_at_close_id', 'outcome_date') }}
),

closed_deals as (
    select * from outcomes
    where is_closed
),

closed_attributed as (
    {{ attribute_to_grains_and_periods('closed_deals', 'owner_at_close_id', 'outcome_date') }}
),

cycles as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        count(*) as won_count,
        sum(amount) as won_amount,
        sum(case when amount is null then 1 else 0 end) as won_unknown_amount_count,
        {{ publish_sum('sales_cycle_days', 'days') }} as sales_cycle_days_sum,
        {{ percentile_cont('sales_cycle_days', 0.5) }} as median_sales_cycle_days
    from won_attributed
    group by grain, grain_id, period_grain, period_start
),

closings as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        count(*) as closed_count
    from closed_attributed
    group by grain, grain_id, period_grain, period_start
),

created_deals as (
    select * from outcomes
),

created_attributed as (
    {{ attribute_to_grains_and_periods('created_deals', 'owner_at_creation_id', 'created_date') }}
),

creations as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        count(*) as created_count
    from created_attributed
    group by grain, grain_id, period_grain, period_start
),

exited_visits as (
    select
        visits.opportunity_id,
        visits.days_in_stage,
        {{ to_reporting_date('visits.exited_at') }} as exited_date,
        owners.owner_id
    from {{ ref('int_stage_visits') }} as visits
    inner join funnel
        on visits.stage_name = funnel.stage_name
    inner join owners
        on {{ owner_at('owners', 'visits.opportunity_id', 'visits.exited_at') }}
    where visits.exited_at is not null and not funnel.is_closed
),

visits_attributed as (
    {{ attribute_to_grains_and_periods('exited_visits', 'owner_id', 'exited_date') }}
),

time_in_stage as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        count(*) as exited_visit_count,
        {{ publish_sum('days_in_stage', 'days') }} as days_in_stage_sum,
        {{ percentile_cont('days_in_stage', 0.5) }} as median_days_in_stage
    from visits_attributed
    group by grain, grain_id, period_grain, period_start
),

-- stage conversion over all open stages: the per-stage counts of rpt_stage_conversion, summed
conversion as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        sum(entered_count) as stage_entry_count,
        sum(advanced_count) as stage_advance_count
    from {{ ref('rpt_stage_conversion') }}
    group by grain, grain_id, period_grain, period_start
),

pipeline as (
    select * from {{ ref('int_pipeline_at_period_start') }}
),

pipeline_attributed as (
    {{ attribute_to_grains('pipeline', 'owner_at_period_start_id') }}
),

coverage_and_slippage as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        coalesce(
            sum(case when is_expected_to_close_in_period then amount end), cast(0 as decimal(18, 2))
        ) as pipeline_at_start_amount,
        sum(case when is_expected_to_close_in_period then 1 else 0 end) as expected_to_close_count,
        sum(case when is_slipped then 1 else 0 end) as slipped_count,
        sum(case when is_expected_to_close_in_period and amount is null then 1 else 0 end)
            as pipeline_unknown_amount_count
    from pipeline_attributed
    group by grain, grain_id, period_grain, period_start
),

pushes as (
    select
        changes.opportunity_id,
        {{ to_reporting_date('changes.changed_at') }} as changed_date,
        owners.owner_id
    from {{ ref('int_close_date_changes') }} as changes
    inner join owners
        on {{ owner_at('owners', 'changes.opportunity_id', 'changes.changed_at') }}
    where changes.is_push
),

pushes_attributed as (
    {{ attribute_to_grains_and_periods('pushes', 'owner_id', 'changed_date') }}
),

push_counts as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        count(*) as close_date_push_count
    from pushes_attributed
    group by grain, grain_id, period_grain, period_start
),

interactions as (
    select
        owner_id,
        account_id,
        occurred_date,
        days_since_previous_account_interaction,
        interaction_value_amount
    from {{ ref('fct_interactions') }}
),

-- activity per user and day first: counts and sums add up, and a user's days are far fewer
-- than their interactions, so the fan-out to every grain and period stays small
daily_activity as (
    select
        owner_id,
        occurred_date,
        count(*) as activity_count,
        count(interaction_value_amount) as valued_interaction_count,
        -- a value of 0 is not positive
        sum(case when interaction_value_amount > 0 then 1 else 0 end) as positive_interaction_count,
        sum(interaction_value_amount) as interaction_value_sum_amount
    from interactions
    group by owner_id, occurred_date
),

-- every interaction counts for the company, for the team of the user who logged it (a
-- manager's own team) and for a rep row when that user is a rep
daily_activity_attributed as (
    {{ attribute_to_grains_and_periods('daily_activity', 'owner_id', 'occurred_date', 'int_user_grain_memberships') }}
),

-- an export without interactions (no Task or Event file, or empty ones): activity, account
-- reach and account engagement are unknown (null), not zero
export_has_interactions as (
    select count(*) > 0 as has_interactions
    from interactions
),

activity as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        sum(activity_count) as activity_count,
        sum(valued_interaction_count) as valued_interaction_count,
        sum(positive_interaction_count) as positive_interaction_count,
        sum(interaction_value_sum_amount) as interaction_value_sum_amount
    from daily_activity_attributed
    group by grain, grain_id, period_grain, period_start
),

-- every account created by the as-of time (or undated) with its owner and the day it was
-- created. The export has no account history, so the owner is the current one for every
-- period; an account counts from the
-- period it existed at the end of (always, when the export has no Account.CreatedDate).
-- Accounts are unique and have one owner, so counts of accounts per owner add up to
-- distinct counts per team and company: each count below is taken per owner first and
-- rolled up to the grains after (far fewer rows to fan out)
account_owners as (
    select
        account_id,
        owner_id,
        {{ to_reporting_date('created_at') }} as created_date
    from accounts
),

periods as (
    select * from {{ ref('int_fiscal_periods') }}
),

-- each interaction on an account in its fiscal week, month, quarter and year (the periods are
-- computed, not joined: a range join of every interaction to every period is quadratic)
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

-- one row per account and period it was touched in, with the median gap between its
-- interactions that period
period_account_gaps as (
    select
        account_id,
        period_grain,
        period_start,
        {{ percentile_cont('days_since_previous_account_interaction', 0.5) }} as median_gap_days
    from account_interaction_periods
    group by account_id, period_grain, period_start
),

-- accounts owned by each grain in each period: those that existed at the period end,
-- counted per owner and creation day, then per period, then rolled up to the grains
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
    {{ attribute_to_grains('owned_by_owner', 'owner_id') }}
),

owned_account_counts as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        sum(owned_account_count) as owned_account_count
    from owned_attributed
    group by grain, grain_id, period_grain, period_start
),

-- accounts with a deal open at some time in each period
open_deal_accounts as (
    select distinct
        opportunities.account_id,
        periods.period_grain,
        periods.period_start
    from {{ ref('int_opportunity_states_historized') }} as states
    inner join {{ ref('stg_salesforce__opportunities') }} as opportunities
        on states.opportunity_id = opportunities.opportunity_id
    inner join periods
        on
            {{ to_reporting_date('states.valid_from') }} < periods.period_end
            and (states.valid_to is null or {{ to_reporting_date('states.valid_to') }} >= periods.period_start)
    where not states.is_closed_stage
),

-- one row per account and period in which it was touched or had a deal open: whether it
-- was touched, and whether its median gap between interactions met the cadence target
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

-- reached accounts (touched in the period, of those that existed at its end), accounts with
-- a deal open and, of those, engaged accounts: counted per account owner, then rolled up to
-- the grains
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
    {{ attribute_to_grains('account_periods_by_owner', 'owner_id') }}
),

account_period_counts as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        sum(reached_account_count) as reached_account_count,
        sum(open_deal_account_count) as open_deal_account_count,
        sum(engaged_account_count) as engaged_account_count
    from account_periods_attributed
    group by grain, grain_id, period_grain, period_start
),

-- every grain that owns accounts in a period, with how many of them were reached
reach as (
    select
        spine.grain,
        spine.grain_id,
        spine.period_grain,
        spine.period_start,
        owned_account_counts.owned_account_count,
        coalesce(account_period_counts.reached_account_count, 0) as reached_account_count
    from spine
    inner join owned_account_counts
        on
            spine.grain = owned_account_counts.grain
            and spine.grain_id = owned_account_counts.grain_id
            and spine.period_grain = owned_account_counts.period_grain
            and spine.period_start = owned_account_counts.period_start
    left join account_period_counts
        on
            spine.grain = account_period_counts.grain
            and spine.grain_id = account_period_counts.grain_id
            and spine.period_grain = account_period_counts.period_grain
            and spine.period_start = account_period_counts.period_start
),

quotas as (
    select * from {{ ref('int_quota_by_period') }}
),

quota_attributed as (
    {{ attribute_to_grains('quotas', 'owner_id') }}
),

quota_totals as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        sum(quota_amount) as quota_amount
    from quota_attributed
    group by grain, grain_id, period_grain, period_start
),

combined as (
    select
        spine.grain,
        spine.grain_id,
        spine.period_grain,
        spine.period_start,
        spine.period_end,
        lead_response.median_lead_response_minutes,
        cycles.median_sales_cycle_days,
        time_in_stage.median_days_in_stage,
        case when not lead_dating.is_lead_creation_unknown then coalesce(lead_response.lead_count, 0) end
            as lead_count,
        case
            when not lead_dating.is_lead_creation_unknown
                then coalesce(lead_response.lead_count, 0) - coalesce(lead_response.untouched_lead_count, 0)
        end as touched_lead_count,
        case when not lead_dating.is_lead_creation_unknown then coalesce(lead_response.untouched_lead_count, 0) end
            as untouched_lead_count,
        coalesce(cycles.won_count, 0) as won_count,
        coalesce(cycles.won_amount, cast(0 as decimal(18, 2))) as won_amount,
        coalesce(closings.closed_count, 0) as closed_count,
        coalesce(cycles.sales_cycle_days_sum, 0) as sales_cycle_days_sum,
        coalesce(time_in_stage.exited_visit_count, 0) as exited_visit_count,
        coalesce(time_in_stage.days_in_stage_sum, 0) as days_in_stage_sum,
        coalesce(conversion.stage_entry_count, 0) as stage_entry_count,
        coalesce(conversion.stage_advance_count, 0) as stage_advance_count,
        coalesce(creations.created_count, 0) as created_count,
        coalesce(coverage_and_slippage.pipeline_at_start_amount, cast(0 as decimal(18, 2))) as pipeline_at_start_amount,
        -- quotas are set per month, quarter and year: none for a week (null, not 0)
        cast(case
            when {{ is_month_period_grain('spine.period_grain') }}
                then coalesce(quota_totals.quota_amount, 0)
        end as {{ revops_number_type('amount') }}) as quota_amount,
        coalesce(coverage_and_slippage.expected_to_close_count, 0) as expected_to_close_count,
        coalesce(coverage_and_slippage.slipped_count, 0) as slipped_count,
        coalesce(push_counts.close_date_push_count, 0) as close_date_push_count,
        case when export_has_interactions.has_interactions then coalesce(activity.activity_count, 0) end
            as activity_count,
        case when export_has_interactions.has_interactions then coalesce(activity.valued_interaction_count, 0) end
            as valued_interaction_count,
        case when export_has_interactions.has_interactions then coalesce(activity.positive_interaction_count, 0) end
            as positive_interaction_count,
        -- cast outside the case: PostgreSQL's case keeps no numeric scale
        cast(
            case
                when export_has_interactions.has_interactions
                    then coalesce(activity.interaction_value_sum_amount, 0)
            end as {{ revops_number_type('amount') }}
        ) as interaction_value_sum_amount,
        coalesce(reach.owned_account_count, 0) as owned_account_count,
        case when export_has_interactions.has_interactions then coalesce(reach.reached_account_count, 0) end
            as reached_account_count,
        coalesce(account_period_counts.open_deal_account_count, 0) as open_deal_account_count,
        case
            when export_has_interactions.has_interactions then coalesce(account_period_counts.engaged_account_count, 0)
        end as engaged_account_count,
        coalesce(cycles.won_unknown_amount_count, 0) as won_unknown_amount_count,
        coalesce(coverage_and_slippage.pipeline_unknown_amount_count, 0) as pipeline_unknown_amount_count
    from
        spine
    {%- for metrics in ['lead_response', 'cycles', 'closings', 'time_in_stage', 'conversion', 'creations',
                        'coverage_and_slippage', 'quota_totals', 'push_counts', 'activity', 'reach', 'account_period_counts'] %}
    left join {{ metrics }}
        on
            spine.grain = {{ metrics }}.grain
            and spine.grain_id = {{ metrics }}.grain_id
            and spine.period_grain = {{ metrics }}.period_grain
            and spine.period_start = {{ metrics }}.period_start
    {%- endfor %}
    cross join lead_dating
    cross join export_has_interactions
),

ratios as (
    select
        combined.*,
        combined.sales_cycle_days_sum / nullif(combined.won_count, 0) as avg_sales_cycle_days,
        combined.days_in_stage_sum / nullif(combined.exited_visit_count, 0) as avg_days_in_stage,
        cast(combined.stage_advance_count as {{ type_double() }})
        / nullif(combined.stage_entry_count, 0) as stage_conversion_rate,
        cast(combined.won_count as {{ type_double() }}) / nullif(combined.closed_count, 0) as win_rate,
        -- the won deals with a known amount only: an unknown amount is not an amount of 0
        cast(combined.won_amount as {{ type_double() }})
        / nullif(combined.won_count - combined.won_unknown_amount_count, 0) as avg_deal_size_amount,
        combined.created_count
        * (
            cast(combined.won_amount as {{ type_double() }})
            / nullif(combined.won_count - combined.won_unknown_amount_count, 0)
        )
        * (cast(combined.won_count as {{ type_double() }}) / nullif(combined.closed_count, 0))
        / nullif(combined.sales_cycle_days_sum / nullif(combined.won_count, 0), 0) as sales_velocity_per_day_amount,
        cast(combined.pipeline_at_start_amount as {{ type_double() }})
        / nullif(combined.quota_amount, 0) as pipeline_coverage_ratio,
        cast(combined.slipped_count as {{ type_double() }})
        / nullif(combined.expected_to_close_count, 0) as slipped_rate,
        cast(combined.activity_count as {{ type_double() }})
        / nullif(combined.created_count, 0) as activity_to_opportunity_ratio,
        cast(combined.interaction_value_sum_amount as {{ type_double() }})
        / nullif(combined.valued_interaction_count, 0) as avg_interaction_value_amount,
        cast(combined.positive_interaction_count as {{ type_double() }})
        / nullif(combined.valued_interaction_count, 0) as positive_interaction_rate,
        cast(combined.reached_account_count as {{ type_double() }})
        / nullif(combined.owned_account_count, 0) as account_reach_rate,
        cast(combined.engaged_account_count as {{ type_double() }}) / nullif(combined.open_deal_account_count, 0)
            as account_engagement_rate
    from combined
)

{{ select_contract_columns('ratios') }}
