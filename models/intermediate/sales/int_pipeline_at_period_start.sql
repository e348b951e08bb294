{#- One row per fiscal period and opportunity open at the period's start: the deal as it
    stood then (stage, amount in the corporate currency at that date's rate, expected close
    date, forecast category), its owner then, whether the close date fell inside the period,
    and how the period ended for it (won or lost inside the period, by the deal's outcome_date,
    or slipped). Periods start at local midnight in the reporting time zone. A deal closed by
    its Opportunity row (no closing history row) is not open from its closed_at on. The base
    of pipeline coverage, commit accuracy and slippage. -#}

with periods as (
    select * from {{ ref('int_fiscal_periods') }}
),

states as (
    select * from {{ ref('int_opportunity_states_historized') }}
),

owners as (
    select * from {{ ref('int_opportunity_owners_historized') }}
),

outcomes as (
    select * from {{ ref('int_opportunity_outcomes') }}
),

rates as (
    select * from {{ ref('int_currency_rates_dated') }}
),

as_of as (
    select as_of from {{ ref('stg_salesforce__export_as_of') }}
),

open_at_start as (
    select
        periods.period_grain,
        periods.period_start,
        periods.period_end,
        states.opportunity_id,
        states.stage_name,
        states.amount as amount_in_deal_currency,
        states.close_date,
        states.forecast_category
    from periods
    cross join as_of
    inner join states
        on
            {{ reporting_midnight_utc('periods.period_start') }} >= states.valid_from
            and (states.valid_to is null or {{ reporting_midnight_utc('periods.period_start') }} < states.valid_to)
            and not states.is_closed_stage
    -- a deal whose history lacks the row of its final close (closed by its Opportunity row,
    -- at its CloseDate) is not pipeline from its closed_at on
    left join outcomes as closed_before
        on
            states.opportunity_id = closed_before.opportunity_id
            and closed_before.closed_at <= {{ reporting_midnight_utc('periods.period_start') }}
    where
        {{ reporting_midnight_utc('periods.period_start') }} <= as_of.as_of
        and closed_before.opportunity_id is null
),

valued as (
    select
        open_at_start.*,
        outcomes.currency_code,
        owners.owner_id as owner_at_period_start_id,
        cast(open_at_start.amount_in_deal_currency / rates.conversion_rate as decimal(18, 2)) as amount,
        -- a deal whose close date was blank at the period start is expected in no period
        coalesce(
            open_at_start.close_date >= open_at_start.period_start
            and open_at_start.close_date < open_at_start.period_end, false
        ) as is_expected_to_close_in_period,
        coalesce(
            outcomes.is_won and outcomes.outcome_date >= open_at_start.period_start
            and outcomes.outcome_date < open_at_start.period_end, false
        ) as is_won_in_period,
        coalesce(
            outcomes.is_closed and outcomes.outcome_date >= open_at_start.period_start
            and outcomes.outcome_date < open_at_start.period_end, false
        ) as is_closed_in_period,
        -- slipped: expected to close in the period and did not; in a period still running,
        -- only once its expected close date has passed
        coalesce(
            open_at_start.close_date >= open_at_start.period_start
            and open_at_start.close_date < open_at_start.period_end
            and open_at_start.close_date < {{ to_reporting_date('as_of.as_of') }}
            and not coalesce(
                outcomes.is_closed and outcomes.outcome_date >= open_at_start.period_start
                and outcomes.outcome_date < open_at_start.period_end, false
            ), false
        ) as is_slipped
    from open_at_start
    cross join as_of
    inner join outcomes
        on open_at_start.opportunity_id = outcomes.opportunity_id
    left join owners
        on
            {{ owner_at('owners', 'open_at_start.opportunity_id',
                        reporting_midnight_utc('open_at_start.period_start')) }}
    left join rates
        on
            outcomes.currency_code = rates.currency_code
            and open_at_start.period_start >= rates.valid_from
            and open_at_start.period_start < rates.valid_to
)

select * from valued
