{#- Meetings lever: one row per grain (rep, team, company), grain id and fiscal period with
    meetings booked or scheduled in it (int_meetings). A meeting counts for the user who owns
    it, as activity does (int_user_grain_memberships: the company, the user's team, and a rep
    row when the user is a rep): as booked in the period of its creation, as scheduled in the
    period of its start, and as held there when it took place. The tier 3 mart zero-fills the
    spine and makes the counts unknown (null) for an export without interactions. -#}

with meetings as (
    select * from {{ ref('int_meetings') }}
),

user_grain_memberships as (
    select * from {{ ref('int_user_grain_memberships') }}
),

booked_attributed as (
    {{ attribute_to_grains_and_periods('meetings', 'owner_id', 'booked_date', 'user_grain_memberships', 'user_id') }}
),

scheduled_attributed as (
    {{ attribute_to_grains_and_periods('meetings', 'owner_id', 'started_date', 'user_grain_memberships', 'user_id') }}
),

-- each meeting once as booked and once as scheduled, then counted per grain and period
meeting_events as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        1 as is_booking,
        case when is_initial then 1 else 0 end as is_initial_booking,
        0 as is_scheduled,
        0 as is_held_meeting,
        0 as is_initial_held_meeting
    from booked_attributed
    union all
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        0 as is_booking,
        0 as is_initial_booking,
        1 as is_scheduled,
        case when is_held then 1 else 0 end as is_held_meeting,
        case when is_held and is_initial then 1 else 0 end as is_initial_held_meeting
    from scheduled_attributed
),

meeting_counts as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        sum(is_booking) as meeting_booked_count,
        sum(is_initial_booking) as initial_meeting_booked_count,
        sum(is_scheduled) as meeting_scheduled_count,
        sum(is_held_meeting) as meeting_held_count,
        sum(is_initial_held_meeting) as initial_meeting_held_count
    from meeting_events
    group by grain, grain_id, period_grain, period_start
)

select * from meeting_counts
