{#- One row per fiscal period and opportunity open at the period's start: the deal as it
    stood then (stage, amount in the corporate currency at that date's rate, expected close
    date, forecast category), its owner then, whether the close date fell inside the period,
    and how the period ended for it (won or lost inside the period, by the deal's outcome_date,
    or slipped). The open deals, as they stood at the period start's local midnight in the
    reporting time zone, are those of int_open_deals_at_dates on that date (the one rule of
    a deal open at the start of a date). The base of pipeline coverage, commit accuracy and
    slippage. -#}

with periods as (
    select * from {{ ref('int_fiscal_periods') }}
),

open_deals as (
    select * from {{ ref('int_open_deals_at_dates') }}
),

outcomes as (
    select * from {{ ref('int_opportunity_outcomes') }}
),

as_of as (
    select as_of from {{ ref('stg_crm__export_as_of') }}
),

-- the deals open at each period's start (int_open_deals_at_dates: the one rule of an open deal
-- at the start of a date)
open_at_start as (
    select
        periods.period_grain,
        periods.period_start,
        periods.period_end,
        open_deals.opportunity_id,
        open_deals.stage_name,
        open_deals.amount_in_deal_currency,
        open_deals.close_date,
        open_deals.forecast_category,
        open_deals.currency_code,
        open_deals.owner_id as owner_at_period_start_id,
        open_deals.amount
    from periods
    inner join open_deals
        on periods.period_start = open_deals.snapshot_date
),

valued as (
    select
        open_at_start.*,
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
)

select * from valued
