{#- Activity lever: one row per grain (rep, team, company), grain id and fiscal period with
    interactions: how many were logged. Every interaction counts for the company, for the team
    of the user who logged it (a manager's own team) and for a rep row when that user is a rep
    (int_user_grain_memberships), in the period it occurred. The tier 3 mart zero-fills the
    spine, and makes activity unknown (null) for an export without interactions. -#}

with interactions as (
    select
        *,
        {{ to_reporting_date('occurred_at') }} as occurred_date
    from {{ ref('int_interactions_unified') }}
),

user_grain_memberships as (
    select * from {{ ref('int_user_grain_memberships') }}
),

-- activity per user and day first: a user's days are far fewer than their interactions, so
-- the fan-out to every grain and period stays small
daily_activity as (
    select
        owner_id,
        occurred_date,
        count(*) as activity_count
    from interactions
    group by owner_id, occurred_date
),

daily_activity_attributed as (
    {{ attribute_to_grains_and_periods(
        'daily_activity', 'owner_id', 'occurred_date', 'user_grain_memberships', 'user_id'
    ) }}
),

activity as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        sum(activity_count) as activity_count
    from daily_activity_attributed
    group by grain, grain_id, period_grain, period_start
)

select * from activity
