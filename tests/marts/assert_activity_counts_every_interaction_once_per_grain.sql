-- Activity reconciles with the interactions: in every period, the company's activity_count in
-- rpt_kpi_tier3_levers equals the interactions of fct_interactions that occurred in it (every
-- interaction, whoever logged it); each rep row counts the interactions its rep logged; each
-- team row counts those logged by its reps plus those logged by users who are no rep and whose
-- team it is: the team they lead, else their own team ('unassigned' without one; in Salesforce
-- the team of their manager). Unknown
-- (null) everywhere only when there is no interaction at all. The positive interactions (valued
-- above 0) reconcile the same way. A failing row names the grain, the period and the counts.
with kpis as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        activity_count,
        positive_interaction_count
    from {{ ref('rpt_kpi_tier3_levers') }}
),

interactions as (
    select
        interaction_id,
        owner_id,
        occurred_date,
        coalesce(interaction_value_amount > 0, false) as is_positive
    from {{ ref('fct_interactions') }}
),

periods as (
    select * from {{ ref('int_fiscal_periods') }}
),

reps as (
    select
        rep_id,
        team_id
    from {{ ref('dim_reps') }}
),

users as (
    select
        user_id,
        team_id,
        led_team_id
    from {{ ref('stg_crm__users') }}
),

teams as (
    select distinct team_id from reps
),

-- the team each interaction counts for, if any: the rep's team, else the team the user leads,
-- else the user's own team when it has reps
interaction_teams as (
    select
        interactions.interaction_id,
        interactions.owner_id,
        interactions.occurred_date,
        interactions.is_positive,
        reps.rep_id,
        coalesce(reps.team_id, led_teams.team_id, manager_teams.team_id) as team_id
    from interactions
    left join reps
        on interactions.owner_id = reps.rep_id
    left join users
        on interactions.owner_id = users.user_id
    left join teams as led_teams
        on users.led_team_id = led_teams.team_id
    left join teams as manager_teams
        on coalesce(users.team_id, 'unassigned') = manager_teams.team_id
),

interaction_periods as (
    select
        interaction_teams.*,
        periods.period_grain,
        periods.period_start
    from interaction_teams
    inner join periods
        on
            interaction_teams.occurred_date >= periods.period_start
            and interaction_teams.occurred_date < periods.period_end
),

expected as (
    select
        'company' as grain,
        'all' as grain_id,
        period_grain,
        period_start,
        count(*) as interaction_count,
        sum(case when is_positive then 1 else 0 end) as positive_count
    from interaction_periods
    group by period_grain, period_start
    union all
    select
        'team' as grain,
        team_id as grain_id,
        period_grain,
        period_start,
        count(*) as interaction_count,
        sum(case when is_positive then 1 else 0 end) as positive_count
    from interaction_periods
    where team_id is not null
    group by team_id, period_grain, period_start
    union all
    select
        'rep' as grain,
        rep_id as grain_id,
        period_grain,
        period_start,
        count(*) as interaction_count,
        sum(case when is_positive then 1 else 0 end) as positive_count
    from interaction_periods
    where rep_id is not null
    group by rep_id, period_grain, period_start
),

has_interactions as (
    select count(*) > 0 as has_interactions from interactions
),

compared as (
    select
        kpis.grain,
        kpis.grain_id,
        kpis.period_grain,
        kpis.period_start,
        kpis.activity_count,
        kpis.positive_interaction_count,
        has_interactions.has_interactions,
        coalesce(expected.interaction_count, 0) as interaction_count,
        coalesce(expected.positive_count, 0) as positive_count
    from kpis
    cross join has_interactions
    left join expected
        on
            kpis.grain = expected.grain
            and kpis.grain_id = expected.grain_id
            and kpis.period_grain = expected.period_grain
            and kpis.period_start = expected.period_start
)

select * from compared
where
    case
        when has_interactions
            then coalesce(activity_count <> interaction_count or positive_interaction_count <> positive_count, true)
        else activity_count is not null or positive_interaction_count is not null
    end
