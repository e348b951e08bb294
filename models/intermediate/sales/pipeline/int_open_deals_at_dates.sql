{#- One row per date of int_pipeline_dates and deal open at its start (its reporting
    midnight, snapshot_at): the one rule for "the deals open at the start of a date". The deal
    as it stood then (historized state: stage, amount, close date, forecast category), its
    owner then (owner_at), its amount in the corporate currency at the rate in force on the
    date, and the times its close date had been pushed so far. Open: open_deal_states_at (a
    deal whose history lacks the row of its final close, closed by its Opportunity row at its
    CloseDate, is not open from its closed_at on). int_pipeline_at_period_start reads the
    period starts of it, int_open_deals_at_period_end the period ends. -#}

with dates as (
    select * from {{ ref('int_pipeline_dates') }}
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

close_date_changes as (
    select * from {{ ref('int_close_date_changes') }}
),

open_at_start as (
    select
        dates.snapshot_date,
        dates.snapshot_at,
        states.opportunity_id,
        states.stage_name,
        states.stage_order,
        states.amount as amount_in_deal_currency,
        states.close_date,
        states.forecast_category
    from dates
    {{ open_deal_states_at('dates.snapshot_at') }}
),

-- the close date pushes of each deal, each in force until the next one
push_steps as (
    {{ close_date_push_steps('close_date_changes') }}
),

valued as (
    select
        open_at_start.snapshot_date,
        open_at_start.snapshot_at,
        open_at_start.opportunity_id,
        open_at_start.stage_name,
        open_at_start.stage_order,
        open_at_start.forecast_category,
        open_at_start.amount_in_deal_currency,
        outcomes.currency_code,
        cast(open_at_start.amount_in_deal_currency / rates.conversion_rate as decimal(18, 2)) as amount,
        open_at_start.close_date,
        owners.owner_id,
        coalesce(push_steps.pushes_so_far, 0) as close_date_pushes
    from open_at_start
    inner join outcomes
        on open_at_start.opportunity_id = outcomes.opportunity_id
    left join owners
        on {{ owner_at('owners', 'open_at_start.opportunity_id', 'open_at_start.snapshot_at') }}
    left join rates
        on
            outcomes.currency_code = rates.currency_code
            and open_at_start.snapshot_date >= rates.valid_from
            and open_at_start.snapshot_date < rates.valid_to
    left join push_steps
        on
            open_at_start.opportunity_id = push_steps.opportunity_id
            and open_at_start.snapshot_at >= push_steps.changed_at
            and (push_steps.next_push_at is null or open_at_start.snapshot_at < push_steps.next_push_at)
)

select * from valued
