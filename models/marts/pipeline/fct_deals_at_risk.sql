{#- One row per deal open at the as-of time (fct_open_deals), a boolean per reason to be at
    risk, how many apply and whether any does (is_at_risk): stuck in its stage (longer than the stage's p75), past due, its close date
    pushed twice or more (those three are the flags of fct_open_deals, the one rule of each),
    no interaction on its account within the var cadence_target_days days up to the as-of time
    (never raised when the export holds no interaction at all), and its win probability fallen
    by at least the var deal_risk_probability_drop since the start of the quarter holding the
    as-of time. With its owner, amount and what to do, one sentence per reason. -#}

{%- set drop = var('deal_risk_probability_drop') %}

with as_of as (
    select
        as_of,
        {{ fiscal_period_start(to_reporting_date('as_of'), 'quarter') }} as quarter_start
    from {{ ref('stg_crm__export_as_of') }}
),

open_deals as (
    select * from {{ ref('fct_open_deals') }}
),

cadences as (
    select * from {{ ref('int_account_interaction_cadences') }}
),

probabilities_now as (
    select * from {{ ref('fct_opportunity_probabilities') }}
),

probabilities_at_dates as (
    select * from {{ ref('int_win_probability_at_dates') }}
),

-- the export holds interactions at all: without any, no deal lacks one for a reason
interactions_exported as (
    select count(*) > 0 as has_interactions from cadences
),

probabilities_at_quarter_start as (
    select
        probabilities_at_dates.opportunity_id,
        probabilities_at_dates.win_probability
    from probabilities_at_dates
    inner join as_of
        on probabilities_at_dates.snapshot_date = as_of.quarter_start
),

reasons as (
    select
        open_deals.opportunity_id,
        open_deals.opportunity_name,
        open_deals.account_id,
        open_deals.owner_id,
        open_deals.owner_name,
        open_deals.team_id,
        open_deals.team_name,
        open_deals.stage_name,
        open_deals.amount,
        open_deals.expected_close_date,
        open_deals.days_in_current_stage,
        open_deals.stage_p75_days_in_stage,
        open_deals.is_stuck_in_stage,
        open_deals.is_past_due,
        open_deals.past_due_days,
        open_deals.close_date_push_count,
        cadences.last_interaction_at as last_account_interaction_at,
        probabilities_at_quarter_start.win_probability as quarter_start_win_probability,
        probabilities_now.win_probability,
        open_deals.close_date_push_count >= 2 as is_pushed_twice_or_more,
        interactions_exported.has_interactions
        and coalesce(
            {{ days_between('cadences.last_interaction_at', 'as_of.as_of') }} > {{ var('cadence_target_days') }},
            true
        ) as is_without_recent_interaction,
        coalesce(
            probabilities_at_quarter_start.win_probability - probabilities_now.win_probability >= {{ drop }},
            false
        ) as is_win_probability_dropped
    from open_deals
    cross join as_of
    cross join interactions_exported
    left join cadences
        on open_deals.account_id = cadences.account_id
    left join probabilities_now
        on open_deals.opportunity_id = probabilities_now.opportunity_id
    left join probabilities_at_quarter_start
        on open_deals.opportunity_id = probabilities_at_quarter_start.opportunity_id
),

counted as (
    select
        reasons.*,
        (case when reasons.is_stuck_in_stage then 1 else 0 end)
        + (case when reasons.is_past_due then 1 else 0 end)
        + (case when reasons.is_pushed_twice_or_more then 1 else 0 end)
        + (case when reasons.is_without_recent_interaction then 1 else 0 end)
        + (case when reasons.is_win_probability_dropped then 1 else 0 end) as risk_reason_count,
        nullif(concat_ws(
            ' ',
            case
                when reasons.is_past_due
                    then 'Close date passed: close the deal, or set the date the buyer has agreed to.'
            end,
            case
                when reasons.is_pushed_twice_or_more
                    then 'Pushed twice or more: ask the buyer what the deal waits for before moving the date again.'
            end,
            case
                when reasons.is_stuck_in_stage
                    then 'Longer in its stage than 3 in 4 deals were: agree the next step, or move the stage.'
            end,
            case
                when reasons.is_without_recent_interaction
                    then 'No interaction on the account within the cadence target: call the buyer this week.'
            end,
            case
                when reasons.is_win_probability_dropped
                    then 'Win probability fallen since the quarter start: review the deal with its owner.'
            end
        ), '') as what_to_do
    from reasons
),

at_risk as (
    select
        counted.*,
        counted.risk_reason_count > 0 as is_at_risk
    from counted
)

{{ select_contract_columns('at_risk') }}
