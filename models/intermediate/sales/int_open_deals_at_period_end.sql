{#- One row per fiscal period (week, month, quarter, year) and opportunity open at the period's
    end (local midnight in the reporting time zone, as period starts), or at the as-of time
    for the period holding it (whichever is earlier: periods_measured): the deal as it
    stood then (stage, expected close date), its owner then, whether its expected close date
    had already passed (past due), and whether nothing had touched it for var stale_deal_days
    days (stale: no interaction on the deal, no stage or field change). The base of the
    stale and past-due counts of the data-quality mart. A period that ended by the as-of time
    ends at the next period's start: its open deals are those of int_open_deals_at_dates on
    that date (the one rule of an open deal, already computed); the running period's are
    the deals open at the as-of time by the same rule (open_deal_states_at). Each distinct
    moment is measured once: period ends of several grains coincide. -#}

with periods as (
    select * from {{ ref('int_fiscal_periods') }}
),

as_of as (
    select as_of from {{ ref('stg_crm__export_as_of') }}
),

open_deals as (
    select * from {{ ref('int_open_deals_at_dates') }}
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

history as (
    select
        opportunity_id,
        changed_at
    from {{ ref('int_opportunity_history_sequenced') }}
),

field_changes as (
    select
        opportunity_id,
        changed_at
    from {{ ref('stg_crm__opportunity_field_history') }}
),

interactions as (
    select
        opportunity_id,
        occurred_at
    from {{ ref('int_interactions_unified') }}
    where opportunity_id is not null
),

periods_measured as (
    {{ periods_measured('periods', 'as_of') }}
),

moments as (
    select distinct
        measured_at,
        measured_date
    from periods_measured
),

-- a period that ended by the as-of time is measured at the next period's start: the deals
-- open at the start of that date
open_at_period_ends as (
    select
        moments.measured_at,
        open_deals.opportunity_id,
        open_deals.owner_id,
        open_deals.stage_name,
        open_deals.close_date as expected_close_date
    from moments
    cross join as_of
    inner join open_deals
        on
            moments.measured_date = open_deals.snapshot_date
            and moments.measured_at = open_deals.snapshot_at
    where moments.measured_at < as_of.as_of
),

-- the period still running is measured at the as-of time
open_at_as_of as (
    select
        as_of.as_of as measured_at,
        states.opportunity_id,
        states.stage_name,
        states.close_date as expected_close_date
    from as_of
    {{ open_deal_states_at('as_of.as_of') }}
),

open_at_moment as (
    select * from open_at_period_ends
    union all
    select
        open_at_as_of.measured_at,
        open_at_as_of.opportunity_id,
        owners.owner_id,
        open_at_as_of.stage_name,
        open_at_as_of.expected_close_date
    from open_at_as_of
    left join owners
        on {{ owner_at('owners', 'open_at_as_of.opportunity_id', 'open_at_as_of.measured_at') }}
),

touches as (
    select
        opportunity_id,
        changed_at as touched_at
    from history
    union all
    select
        opportunity_id,
        changed_at as touched_at
    from field_changes
    union all
    select
        opportunity_id,
        occurred_at as touched_at
    from interactions
),

recent_touches as (
    select
        open_at_moment.measured_at,
        open_at_moment.opportunity_id,
        count(touches.touched_at) as touch_count_in_stale_window
    from open_at_moment
    left join touches
        on
            open_at_moment.opportunity_id = touches.opportunity_id
            and open_at_moment.measured_at >= touches.touched_at
            and touches.touched_at
            > {{ dbt.dateadd('day', -1 * var('stale_deal_days'), 'open_at_moment.measured_at') }}
    group by open_at_moment.measured_at, open_at_moment.opportunity_id
),

flagged as (
    select
        periods_measured.period_grain,
        periods_measured.period_start,
        periods_measured.period_end,
        periods_measured.measured_at,
        periods_measured.measured_date,
        open_at_moment.opportunity_id,
        open_at_moment.owner_id,
        open_at_moment.stage_name,
        open_at_moment.expected_close_date,
        cast(recent_touches.touch_count_in_stale_window as integer) as touch_count_in_stale_window,
        coalesce(
            open_at_moment.expected_close_date < periods_measured.measured_date, false
        ) as is_past_due,
        recent_touches.touch_count_in_stale_window = 0 as is_stale
    from periods_measured
    inner join open_at_moment
        on periods_measured.measured_at = open_at_moment.measured_at
    inner join recent_touches
        on
            open_at_moment.measured_at = recent_touches.measured_at
            and open_at_moment.opportunity_id = recent_touches.opportunity_id
)

select * from flagged
