{#- One row per fiscal period (month, quarter, year) and opportunity open at the period's
    end (local midnight in the reporting time zone, as period starts), or at the as-of time
    for the period holding it (whichever is earlier): the deal as it
    stood then (stage, expected close date), its owner then, whether its expected close date
    had already passed (past due), and whether nothing had touched it for var stale_deal_days
    days (stale: no interaction on the deal, no stage or field change). The base of the
    stale and past-due counts of the data-quality mart. Each distinct moment is measured once:
    month, quarter and year ends coincide. -#}

with periods as (
    select * from {{ ref('int_fiscal_periods') }}
),

as_of as (
    select as_of from {{ ref('stg_salesforce__export_as_of') }}
),

states as (
    select * from {{ ref('int_opportunity_states_historized') }}
),

owners as (
    select * from {{ ref('int_opportunity_owners_historized') }}
),

outcomes as (
    select
        opportunity_id,
        closed_at
    from {{ ref('int_opportunity_outcomes') }}
    where is_closed
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
    from {{ ref('stg_salesforce__opportunity_field_history') }}
),

interactions as (
    select
        opportunity_id,
        occurred_at
    from {{ ref('int_interactions_unified') }}
    where opportunity_id is not null
),

periods_measured as (
    select
        periods.period_grain,
        periods.period_start,
        periods.period_end,
        -- a period ends at local midnight in the reporting time zone, as it starts
        case
            when {{ reporting_midnight_utc('periods.period_end') }} < as_of.as_of
                then {{ reporting_midnight_utc('periods.period_end') }}
            else as_of.as_of
        end as measured_at,
        case
            when {{ reporting_midnight_utc('periods.period_end') }} < as_of.as_of then periods.period_end
            else {{ to_reporting_date('as_of.as_of') }}
        end as measured_date
    from periods
    cross join as_of
),

moments as (
    select distinct measured_at
    from periods_measured
),

-- open by its stage then, and not closed yet: a deal whose history lacks the row of its final
-- close (closed by its Opportunity row, at its CloseDate) is closed from its closed_at on
open_at_moment as (
    select
        moments.measured_at,
        states.opportunity_id,
        states.stage_name,
        states.close_date as expected_close_date
    from moments
    inner join states
        on
            moments.measured_at >= states.valid_from
            and (states.valid_to is null or moments.measured_at < states.valid_to)
            and not states.is_closed_stage
    left join outcomes
        on
            states.opportunity_id = outcomes.opportunity_id
            and moments.measured_at >= outcomes.closed_at
    where outcomes.opportunity_id is null
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

owners_at_moment as (
    select
        open_at_moment.measured_at,
        open_at_moment.opportunity_id,
        owners.owner_id
    from open_at_moment
    left join owners
        on {{ owner_at('owners', 'open_at_moment.opportunity_id', 'open_at_moment.measured_at') }}
),

flagged as (
    select
        periods_measured.period_grain,
        periods_measured.period_start,
        periods_measured.period_end,
        periods_measured.measured_at,
        periods_measured.measured_date,
        open_at_moment.opportunity_id,
        owners_at_moment.owner_id,
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
    inner join owners_at_moment
        on
            open_at_moment.measured_at = owners_at_moment.measured_at
            and open_at_moment.opportunity_id = owners_at_moment.opportunity_id
)

select * from flagged
