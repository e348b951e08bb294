{#- The open pipeline at the start of every day (its local midnight) from the first deal's
    creation to the as-of date, per grain (rep, team, company: the owner at that instant),
    stage and forecast category: open deals, amount (corporate currency, the day's rate) and
    weighted amount; rows only for a grain, stage and category with a deal open that day.
    The same rule as int_open_deals_at_dates (historized states, closed_at guard, owner_at,
    the day's rate), computed from the days each state is in force: +1 where it begins, -1
    where it ends, running sums carried over the days between changes, never by joining every
    day to every state. A deal is weighted by its win probability at the latest snapshot date
    (fct_pipeline_snapshots), when it was open then; one opened since is not weighted yet
    (weighted_deal_count). On every snapshot date the rows equal fct_pipeline_snapshots
    summed (tests/marts/assert_pipeline_daily_equals_snapshots_on_snapshot_dates.sql). -#}
{%- set open_end = "cast('9999-12-31' as date)" %}
{%- set open_start = "cast('0001-01-01' as date)" %}

with states as (
    select * from {{ ref('int_opportunity_states_historized') }}
),

outcomes as (
    select * from {{ ref('int_opportunity_outcomes') }}
),

owners as (
    select * from {{ ref('int_opportunity_owners_historized') }}
),

rates as (
    select * from {{ ref('int_currency_rates_dated') }}
),

dates as (
    select * from {{ ref('int_pipeline_dates') }}
),

probabilities as (
    select * from {{ ref('int_win_probability_at_dates') }}
),

opportunities as (
    select created_at from {{ ref('stg_crm__opportunities') }}
),

as_of as (
    select as_of from {{ ref('stg_crm__export_as_of') }}
),

grain_names as (
    select * from {{ ref('int_grain_names') }}
),

rep_grain_memberships as (
    select * from {{ ref('int_rep_grain_memberships') }}
),

bounds as (
    select
        {{ to_reporting_date('min(opportunities.created_at)') }} as first_day,
        cast({{ dbt.dateadd('day', 1, to_reporting_date('max(as_of.as_of)')) }} as date) as end_day
    from opportunities
    cross join as_of
),

-- the days each open state is in force at midnight; a deal is not open from the day its
-- closed_at is at or before midnight on (closed by its Opportunity row)
open_state_days as (
    select
        states.opportunity_id,
        states.stage_name,
        states.forecast_category,
        states.amount as amount_in_deal_currency,
        outcomes.currency_code,
        {{ first_reporting_day_at_or_after('states.valid_from') }} as from_day,
        least(
            coalesce({{ first_reporting_day_at_or_after('states.valid_to') }}, {{ open_end }}),
            coalesce({{ first_reporting_day_at_or_after('outcomes.closed_at') }}, {{ open_end }})
        ) as to_day
    from states
    inner join outcomes
        on states.opportunity_id = outcomes.opportunity_id
    where not states.is_closed_stage
),

-- owner_at by days: the first span also covers the days before it starts
owner_days as (
    select
        opportunity_id,
        owner_id,
        case
            when ownership_number = 1 then {{ open_start }}
            else {{ first_reporting_day_at_or_after('valid_from') }}
        end as from_day,
        coalesce({{ first_reporting_day_at_or_after('valid_to') }}, {{ open_end }}) as to_day
    from owners
),

-- the rates by day, and no rate before a currency's first one
rate_days as (
    select
        currency_code,
        conversion_rate,
        valid_from as from_day,
        valid_to as to_day
    from rates
    union all
    select
        currency_code,
        cast(null as {{ type_double() }}) as conversion_rate,
        {{ open_start }} as from_day,
        min(valid_from) as to_day
    from rates
    group by currency_code
),

-- the weeks (or days) a deal's weight holds: from a snapshot date to the next; none before
-- the first
snapshot_dates as (
    select snapshot_date
    from dates
    where is_snapshot_date
),

weight_days as (
    select
        snapshot_date,
        snapshot_date as from_day,
        coalesce(lead(snapshot_date) over (order by snapshot_date), {{ open_end }}) as to_day
    from snapshot_dates
    union all
    select
        cast(null as date) as snapshot_date,
        {{ open_start }} as from_day,
        coalesce(min(snapshot_date), {{ open_end }}) as to_day
    from snapshot_dates
),

pieces as (
    select
        open_state_days.opportunity_id,
        open_state_days.stage_name,
        open_state_days.forecast_category,
        owner_days.owner_id,
        weight_days.snapshot_date as weight_date,
        cast(open_state_days.amount_in_deal_currency / rate_days.conversion_rate as decimal(18, 2)) as amount,
        greatest(
            open_state_days.from_day,
            coalesce(owner_days.from_day, {{ open_start }}),
            coalesce(rate_days.from_day, {{ open_start }}),
            weight_days.from_day,
            bounds.first_day
        ) as from_day,
        least(
            open_state_days.to_day,
            coalesce(owner_days.to_day, {{ open_end }}),
            coalesce(rate_days.to_day, {{ open_end }}),
            weight_days.to_day,
            bounds.end_day
        ) as to_day
    from open_state_days
    cross join bounds
    left join owner_days
        on
            open_state_days.opportunity_id = owner_days.opportunity_id
            and open_state_days.to_day > owner_days.from_day
            and open_state_days.from_day < owner_days.to_day
    left join rate_days
        on
            open_state_days.currency_code = rate_days.currency_code
            and open_state_days.to_day > rate_days.from_day
            and open_state_days.from_day < rate_days.to_day
    inner join weight_days
        on
            open_state_days.to_day > weight_days.from_day
            and open_state_days.from_day < weight_days.to_day
),

weighted_pieces as (
    select
        pieces.opportunity_id,
        pieces.stage_name,
        pieces.forecast_category,
        pieces.owner_id,
        pieces.from_day,
        pieces.to_day,
        pieces.amount,
        {{ pipeline_weighted_amount('pieces.amount', 'probabilities.win_probability') }} as weighted_amount,
        case when probabilities.win_probability is not null then 1 else 0 end as is_weighted
    from pieces
    left join probabilities
        on
            pieces.opportunity_id = probabilities.opportunity_id
            and pieces.weight_date = probabilities.snapshot_date
    where pieces.from_day < pieces.to_day
),

-- +1 on the first day of a piece, -1 on the day after its last
deltas as (
    select
        owner_id,
        stage_name,
        forecast_category,
        from_day as change_day,
        1 as deal_delta,
        is_weighted as weighted_deal_delta,
        coalesce(amount, 0) as amount_delta,
        coalesce(weighted_amount, cast(0 as decimal(18, 2))) as weighted_amount_delta
    from weighted_pieces
    union all
    select
        weighted_pieces.owner_id,
        weighted_pieces.stage_name,
        weighted_pieces.forecast_category,
        weighted_pieces.to_day as change_day,
        -1 as deal_delta,
        -weighted_pieces.is_weighted as weighted_deal_delta,
        -coalesce(weighted_pieces.amount, 0) as amount_delta,
        -coalesce(weighted_pieces.weighted_amount, cast(0 as decimal(18, 2))) as weighted_amount_delta
    from weighted_pieces
    cross join bounds
    where weighted_pieces.to_day < bounds.end_day
),

-- summed per owner first, then attributed to the owner's grains and summed again: the grains
-- repeat the owners' changes, not every piece
owner_changes as (
    select
        owner_id,
        stage_name,
        forecast_category,
        change_day,
        sum(deal_delta) as deal_delta,
        sum(weighted_deal_delta) as weighted_deal_delta,
        sum(amount_delta) as amount_delta,
        sum(weighted_amount_delta) as weighted_amount_delta
    from deltas
    group by owner_id, stage_name, forecast_category, change_day
),

attributed as (
    {{ attribute_to_grains('owner_changes', 'owner_id', 'rep_grain_memberships', 'rep_id') }}
),

changes as (
    select
        grain,
        grain_id,
        stage_name,
        forecast_category,
        change_day,
        sum(deal_delta) as deal_delta,
        sum(weighted_deal_delta) as weighted_deal_delta,
        sum(amount_delta) as amount_delta,
        sum(weighted_amount_delta) as weighted_amount_delta
    from attributed
    group by grain, grain_id, stage_name, forecast_category, change_day
),

running as (
    select
        changes.grain,
        changes.grain_id,
        changes.stage_name,
        changes.forecast_category,
        changes.change_day,
        coalesce(lead(changes.change_day) over key_order, bounds.end_day) as next_change_day,
        sum(changes.deal_delta) over key_running as open_deal_count,
        sum(changes.weighted_deal_delta) over key_running as weighted_deal_count,
        sum(changes.amount_delta) over key_running as amount,
        sum(changes.weighted_amount_delta) over key_running as weighted_amount
    from changes
    cross join bounds
    window
        key_order as (
            partition by changes.grain, changes.grain_id, changes.stage_name, changes.forecast_category
            order by changes.change_day
        ),
        key_running as (
            partition by changes.grain, changes.grain_id, changes.stage_name, changes.forecast_category
            order by changes.change_day
            rows between unbounded preceding and current row
        )
),

-- the runs with something open, and how many days each lasts
open_runs as (
    select
        running.*,
        {{ dbt.datediff('running.change_day', 'running.next_change_day', 'day') }}
            as run_days
    from running
    where running.open_deal_count > 0
),

days as (
    {{ dbt.date_spine('day', "cast('1990-01-01' as date)", "cast('2100-01-01' as date)") }}
),

-- 0, 1, 2, ... up to the number of days in range: each run is repeated once per day it lasts
-- (an equality-free join on one small side, whose pairs are exactly the output rows)
day_offsets as (
    select
        {{ dbt.datediff('bounds.first_day', 'days.date_day', 'day') }}
            as day_offset
    from days
    cross join bounds
    where
        cast(days.date_day as date) >= bounds.first_day
        and cast(days.date_day as date) < bounds.end_day
),

-- each running total holds from its change to the next change
daily as (
    select
        open_runs.grain,
        open_runs.grain_id,
        grain_names.grain_name,
        cast({{ dbt.dateadd('day', 'day_offsets.day_offset', 'open_runs.change_day') }} as date) as pipeline_date,
        open_runs.stage_name,
        open_runs.forecast_category,
        open_runs.open_deal_count,
        open_runs.amount,
        open_runs.weighted_amount,
        open_runs.weighted_deal_count
    from open_runs
    inner join day_offsets
        on open_runs.run_days > day_offsets.day_offset
    left join grain_names
        on open_runs.grain = grain_names.grain and open_runs.grain_id = grain_names.grain_id
)

{{ select_contract_columns('daily') }}
