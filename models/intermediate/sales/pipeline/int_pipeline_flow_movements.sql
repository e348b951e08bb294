{#- One row per fiscal period, opportunity and movement of the period's expected pipeline (the
    open deals whose expected close date falls in the period): how the pipeline of a period
    went from its opening to its closing. A deal is "in scope" of a period while it is open
    (by its stage, and not closed by its Opportunity row) with a close date inside the period.
    Every change of a deal (a stage history row, an owner change, a close without a history
    row) is a step from its state before to its state after; a step that moves it into or out
    of a period's scope, or changes its amount or owner while in scope, between the period's
    start (excluded) and its end (included; the as-of time for a running period) is one or two
    movements:
    - into scope: created (the deal's first state), reopened (it was closed), pulled_in (its
      close date moved into the period, from any other date or from blank);
    - out of scope: won, lost (closed, by its stage or its Opportunity row), pushed_out (close
      date moved after the period), pulled_out (moved before the period), undated (close date
      cleared);
    - in scope both sides: increased / decreased (the amount), and for a new owner moved_out
      (the old owner's rows) then moved_in (the new one's, at the amount before the change);
    plus the levels: opening (in scope at the period's start, owner then), closing (in scope at
    its end, owner then) and fx_revaluation. Movements are converted at the rate of the period
    start, as the opening is, so they telescope to the closing at that rate to the cent (each
    level rounded to cents, each movement the difference of two levels); the closing is
    converted at the rate of the day it is measured (the next period's start, or the as-of
    date), and fx_revaluation is the difference: opening + inflows - outflows + fx_revaluation
    = closing exactly, per deal, owner and period. count_change and amount_change are signed
    (an outflow is negative). Each kind of row is one block written by a macro
    (macros/pipeline/pipeline_flow_rows.sql: pipeline_flow_level, pipeline_flow_movement);
    the instants are those of periods_measured. -#}
{%- set new_owner_in_scope =
    "was_in_scope and is_in_scope and coalesce(previous_owner_id, '') <> coalesce(owner_id, '')" %}

with periods as (
    select * from {{ ref('int_fiscal_periods') }}
),

states as (
    select * from {{ ref('int_opportunity_states_historized') }}
),

sequenced as (
    select
        opportunity_id,
        history_sequence,
        opportunity_history_id
    from {{ ref('int_opportunity_history_sequenced') }}
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
    select as_of from {{ ref('stg_crm__export_as_of') }}
),

-- the instants a period is measured at: its start, and its end or the as-of time
periods_measured as (
    {{ periods_measured('periods', 'as_of') }}
),

-- every instant a deal's scope, amount or owner can change
change_points as (
    select
        opportunity_id,
        valid_from as changed_at
    from states
    union
    select
        opportunity_id,
        valid_from as changed_at
    from owners
    where ownership_number > 1
    union
    select
        opportunity_id,
        closed_at as changed_at
    from outcomes
    where is_closed and closed_at is not null
),

-- the deal as it stood from each change point on (the same rules as the pipeline at a
-- period start: open by its stage and not closed by its final close yet; the owner then)
states_at_points as (
    select
        change_points.opportunity_id,
        change_points.changed_at,
        states.close_date,
        states.amount as amount_in_deal_currency,
        outcomes.currency_code,
        owners.owner_id,
        states.opportunity_id is not null as has_state,
        coalesce(
            states.opportunity_id is not null
            and not states.is_closed_stage
            and not coalesce(outcomes.closed_at <= change_points.changed_at, false),
            false
        ) as is_open,
        case when states.is_closed_stage then states.is_won_stage else outcomes.is_won end as is_won,
        case
            when states.valid_from = change_points.changed_at then 'stage_history'
            when owners.valid_from = change_points.changed_at then 'owner_change'
            else 'opportunity_close'
        end as change_source,
        case when states.valid_from = change_points.changed_at then sequenced.opportunity_history_id end
            as opportunity_history_id
    from change_points
    inner join outcomes
        on change_points.opportunity_id = outcomes.opportunity_id
    left join states
        on
            change_points.opportunity_id = states.opportunity_id
            and change_points.changed_at >= states.valid_from
            and (states.valid_to is null or change_points.changed_at < states.valid_to)
    left join sequenced
        on
            states.opportunity_id = sequenced.opportunity_id
            and states.history_sequence = sequenced.history_sequence
    left join owners
        on {{ owner_at('owners', 'change_points.opportunity_id', 'change_points.changed_at') }}
),

-- each state with the one before it (none before the deal's first change point) and the
-- instant it gave way to the next
steps as (
    select
        opportunity_id,
        changed_at,
        lead(changed_at) over (partition by opportunity_id order by changed_at) as next_changed_at,
        change_source,
        opportunity_history_id,
        currency_code,
        coalesce(
            lag(has_state) over (partition by opportunity_id order by changed_at), false
        ) as had_state,
        coalesce(
            lag(is_open) over (partition by opportunity_id order by changed_at), false
        ) as was_open,
        lag(close_date) over (partition by opportunity_id order by changed_at) as previous_close_date,
        lag(amount_in_deal_currency) over (partition by opportunity_id order by changed_at)
            as previous_amount_in_deal_currency,
        lag(owner_id) over (partition by opportunity_id order by changed_at) as previous_owner_id,
        has_state,
        is_open,
        is_won,
        close_date,
        amount_in_deal_currency,
        owner_id
    from states_at_points
),

-- levels: the deals in scope at a period's start (opening) and end (closing)
levels as (
    {{ pipeline_flow_level('opening', 'periods_measured.opened_at', 'periods_measured.period_start') }}
    union all
    {{ pipeline_flow_level('closing', 'periods_measured.measured_at', 'periods_measured.measured_date') }}
),

levels_valued as (
    select
        levels.component,
        levels.period_grain,
        levels.period_start,
        levels.opportunity_id,
        levels.moved_at,
        levels.changed_at,
        levels.change_source,
        levels.opportunity_history_id,
        levels.owner_id,
        cast(null as {{ dbt.type_string() }}) as counterpart_owner_id,
        1 as count_change,
        cast(levels.amount_in_deal_currency / level_rates.conversion_rate as decimal(18, 2)) as amount_change,
        -- the closing at the period-start rate, which the movements add up to
        cast(coalesce(levels.amount_in_deal_currency, 0) / start_rates.conversion_rate as decimal(18, 2))
            as amount_at_period_start_rate,
        cast(coalesce(levels.amount_in_deal_currency, 0) / level_rates.conversion_rate as decimal(18, 2))
            as amount_at_level_rate
    from levels
    left join rates as level_rates
        on
            levels.currency_code = level_rates.currency_code
            and levels.rate_date >= level_rates.valid_from
            and levels.rate_date < level_rates.valid_to
    left join rates as start_rates
        on
            levels.currency_code = start_rates.currency_code
            and levels.period_start >= start_rates.valid_from
            and levels.period_start < start_rates.valid_to
),

-- the steps inside a period that touch its scope: the periods holding the close date before
-- or after the step
step_close_dates as (
    select
        opportunity_id,
        changed_at,
        previous_close_date as scope_close_date
    from steps
    where was_open
    union
    select
        opportunity_id,
        changed_at,
        close_date as scope_close_date
    from steps
    where is_open
),

step_periods as (
    select distinct
        step_close_dates.opportunity_id,
        step_close_dates.changed_at,
        periods_measured.period_grain,
        periods_measured.period_start,
        periods_measured.period_end
    from step_close_dates
    inner join periods_measured
        on
            step_close_dates.scope_close_date >= periods_measured.period_start
            and step_close_dates.scope_close_date < periods_measured.period_end
            and step_close_dates.changed_at > periods_measured.opened_at
            and step_close_dates.changed_at <= periods_measured.measured_at
),

scoped_steps as (
    select
        steps.*,
        step_periods.period_grain,
        step_periods.period_start,
        step_periods.period_end,
        cast(coalesce(steps.previous_amount_in_deal_currency, 0) / rates.conversion_rate as decimal(18, 2))
            as amount_before,
        cast(coalesce(steps.amount_in_deal_currency, 0) / rates.conversion_rate as decimal(18, 2))
            as amount_after,
        coalesce(
            steps.was_open
            and steps.previous_close_date >= step_periods.period_start
            and steps.previous_close_date < step_periods.period_end,
            false
        ) as was_in_scope,
        coalesce(
            steps.is_open
            and steps.close_date >= step_periods.period_start
            and steps.close_date < step_periods.period_end,
            false
        ) as is_in_scope
    from step_periods
    inner join steps
        on
            step_periods.opportunity_id = steps.opportunity_id
            and step_periods.changed_at = steps.changed_at
    left join rates
        on
            steps.currency_code = rates.currency_code
            and step_periods.period_start >= rates.valid_from
            and step_periods.period_start < rates.valid_to
),

movements as (
    -- out of scope
    {{ pipeline_flow_movement(
        component="case
            when not is_open and is_won then 'won'
            when not is_open then 'lost'
            when close_date is null then 'undated'
            when close_date >= period_end then 'pushed_out'
            else 'pulled_out'
        end",
        where='was_in_scope and not is_in_scope',
        owner_id='previous_owner_id',
        count_change='-1',
        amount_change='-amount_before'
    ) }}
    union all
    -- into scope
    {{ pipeline_flow_movement(
        component="case
            when not had_state then 'created'
            when not was_open then 'reopened'
            else 'pulled_in'
        end",
        where='is_in_scope and not was_in_scope',
        count_change='1',
        amount_change='amount_after'
    ) }}
    union all
    -- a new owner while in scope: out of the old owner's rows, into the new one's
    {{ pipeline_flow_movement(
        component="'moved_out'",
        where=new_owner_in_scope,
        owner_id='previous_owner_id',
        counterpart_owner_id='owner_id',
        count_change='-1',
        amount_change='-amount_before'
    ) }}
    union all
    {{ pipeline_flow_movement(
        component="'moved_in'",
        where=new_owner_in_scope,
        counterpart_owner_id='previous_owner_id',
        count_change='1',
        amount_change='amount_before'
    ) }}
    union all
    -- a new amount while in scope (for the new owner)
    {{ pipeline_flow_movement(
        component="case when amount_after > amount_before then 'increased' else 'decreased' end",
        where='was_in_scope and is_in_scope and amount_after <> amount_before',
        count_change='0',
        amount_change='amount_after - amount_before'
    ) }}
    union all
    -- the levels
    {{ pipeline_flow_movement(
        component='component',
        where=none,
        counterpart_owner_id='counterpart_owner_id',
        moved_at='moved_at',
        count_change='count_change',
        amount_change='amount_change',
        source='levels_valued'
    ) }}
    union all
    -- the closing at its own day's rate less the closing at the period-start rate
    {{ pipeline_flow_movement(
        component="'fx_revaluation'",
        where="component = 'closing'
        and coalesce(amount_at_level_rate, 0) <> coalesce(amount_at_period_start_rate, 0)",
        counterpart_owner_id='counterpart_owner_id',
        moved_at='moved_at',
        count_change='0',
        amount_change='coalesce(amount_at_level_rate, 0) - coalesce(amount_at_period_start_rate, 0)',
        source='levels_valued'
    ) }}
),

final as (
    select
        period_grain,
        period_start,
        opportunity_id,
        component,
        moved_at,
        changed_at as state_changed_at,
        change_source,
        opportunity_history_id,
        owner_id,
        counterpart_owner_id,
        cast(count_change as integer) as count_change,
        cast(amount_change as decimal(18, 2)) as amount_change,
        case
            when component in ('opening', 'closing') then 'level'
            when component = 'fx_revaluation' then 'revaluation'
            when count_change < 0 or component = 'decreased' then 'outflow'
            else 'inflow'
        end as component_direction
    from movements
)

select * from final
