{#- The five-metric scorecard: one row per grain (rep, team, company), grain id and fiscal
    period with quota attainment (tier 1), commit close rate (tier 2), sales velocity (tier 3),
    deals won and lost (tier 2: won count and win rate ranked, lost count shown unranked) and
    median time in stage (tier 3); each with its percentile among peers of the same grain in
    the same period (1 = best; for time in stage, shorter is better). Peers are the reps
    active in the period (a quota in it, or a deal owned while it was open during it), the
    teams with such a rep, and the company; a rep not active in the period gets no
    percentile. For reps, coaching flags against the active reps of their team: stage
    conversion below the team median, sales cycle more than 30% longer than the team median,
    commit close rate below the var commit_close_rate_floor. At team and company grain quota attainment is also given as
    its distribution across the quota-carrying reps (p25, median, p75, share at 100%+).
    won_unknown_amount_count says how many of the won deals have an unknown amount: their
    amounts are in neither quota attainment nor sales velocity. -#}

with tier2 as (
    select * from {{ ref('rpt_kpi_tier2_diagnostics') }}
),

tier3 as (
    select * from {{ ref('rpt_kpi_tier3_levers') }}
),

reps as (
    select * from {{ ref('dim_reps') }}
),

periods as (
    select * from {{ ref('int_fiscal_periods') }}
),

-- each ownership span of a deal, up to the deal's close (a closed deal is no longer owned
-- as an open one)
owned_spans as (
    select
        owners.owner_id,
        {{ to_reporting_date('owners.valid_from') }} as owned_from_date,
        case
            when owners.valid_to is null or (outcomes.closed_at is not null and outcomes.closed_at < owners.valid_to)
                then {{ to_reporting_date('outcomes.closed_at') }}
            else {{ to_reporting_date('owners.valid_to') }}
        end as owned_to_date
    from {{ ref('int_opportunity_owners_historized') }} as owners
    inner join {{ ref('int_opportunity_outcomes') }} as outcomes
        on owners.opportunity_id = outcomes.opportunity_id
    where owners.owner_id is not null
),

-- reps active in each period: a quota in it, or a deal owned during it while open (its
-- close in the period included)
active_reps as (
    select distinct
        owned_spans.owner_id as rep_id,
        periods.period_grain,
        periods.period_start
    from owned_spans
    inner join periods
        on
            owned_spans.owned_from_date < periods.period_end
            and (owned_spans.owned_to_date is null or owned_spans.owned_to_date >= periods.period_start)
    -- a span that starts after the deal closed (a closed deal handed over) owns no open deal
    where owned_spans.owned_to_date is null or owned_spans.owned_from_date <= owned_spans.owned_to_date
    union
    select
        owner_id as rep_id,
        period_grain,
        period_start
    from {{ ref('int_quota_by_period') }}
    where quota_amount > 0
),

active_teams as (
    select distinct
        reps.team_id,
        active_reps.period_grain,
        active_reps.period_start
    from active_reps
    inner join reps
        on active_reps.rep_id = reps.rep_id
),

metrics as (
    select
        tier2.grain,
        tier2.grain_id,
        tier2.grain_name,
        tier2.period_grain,
        tier2.period_start,
        tier2.period_end,
        tier2.quota_attainment_rate,
        tier2.quota_attainment_p25_rate,
        tier2.quota_attainment_median_rate,
        tier2.quota_attainment_p75_rate,
        tier2.reps_at_or_above_quota_rate,
        tier2.commit_close_rate,
        tier3.sales_velocity_per_day_amount,
        tier2.won_count,
        tier2.lost_count,
        tier2.win_rate,
        tier3.median_days_in_stage,
        tier3.stage_conversion_rate,
        tier3.median_sales_cycle_days,
        tier2.won_unknown_amount_count
    from tier2
    inner join tier3
        on
            tier2.grain = tier3.grain
            and tier2.grain_id = tier3.grain_id
            and tier2.period_grain = tier3.period_grain
            and tier2.period_start = tier3.period_start
),

-- whether the row ranks among its peers: an active rep, a team with one, the company
peer_metrics as (
    select
        metrics.*,
        case
            when metrics.grain = 'rep' then active_reps.rep_id is not null
            when metrics.grain = 'team' then active_teams.team_id is not null
            else true
        end as is_active_in_period
    from metrics
    left join active_reps
        on
            metrics.grain = 'rep'
            and metrics.grain_id = active_reps.rep_id
            and metrics.period_grain = active_reps.period_grain
            and metrics.period_start = active_reps.period_start
    left join active_teams
        on
            metrics.grain = 'team'
            and metrics.grain_id = active_teams.team_id
            and metrics.period_grain = active_teams.period_grain
            and metrics.period_start = active_teams.period_start
),

team_medians as (
    select
        reps.team_id,
        metrics.period_grain,
        metrics.period_start,
        {{ percentile_cont('metrics.stage_conversion_rate', 0.5) }} as team_median_stage_conversion_rate,
        {{ percentile_cont('metrics.median_sales_cycle_days', 0.5) }} as team_median_sales_cycle_days
    from peer_metrics as metrics
    inner join reps
        on metrics.grain_id = reps.rep_id
    where metrics.grain = 'rep' and metrics.is_active_in_period
    group by reps.team_id, metrics.period_grain, metrics.period_start
),

ranked as (
    select
        metrics.*,
        {%- for metric, direction in [('quota_attainment_rate', 'asc'), ('commit_close_rate', 'asc'),
                                      ('sales_velocity_per_day_amount', 'asc'), ('won_count', 'asc'),
                                      ('win_rate', 'asc'), ('median_days_in_stage', 'desc')] %}
            case
                when metrics.is_active_in_period and metrics.{{ metric }} is not null then
                    percent_rank() over (
                        partition by
                            metrics.grain, metrics.period_grain, metrics.period_start,
                            metrics.is_active_in_period and metrics.{{ metric }} is not null
                        order by metrics.{{ metric }} {{ direction }}
                    )
            end as {{ metric }}_percentile,
        {%- endfor %}
        reps.team_id
    from peer_metrics as metrics
    left join reps
        on metrics.grain = 'rep' and metrics.grain_id = reps.rep_id
),

flagged as (
    select
        ranked.grain,
        ranked.grain_id,
        ranked.grain_name,
        ranked.period_grain,
        ranked.period_start,
        ranked.period_end,
        ranked.is_active_in_period,
        ranked.quota_attainment_rate,
        ranked.quota_attainment_rate_percentile,
        ranked.quota_attainment_p25_rate,
        ranked.quota_attainment_median_rate,
        ranked.quota_attainment_p75_rate,
        ranked.reps_at_or_above_quota_rate,
        ranked.commit_close_rate,
        ranked.commit_close_rate_percentile,
        ranked.sales_velocity_per_day_amount,
        ranked.sales_velocity_per_day_amount_percentile,
        ranked.won_count,
        ranked.won_count_percentile,
        ranked.lost_count,
        ranked.win_rate,
        ranked.win_rate_percentile,
        ranked.median_days_in_stage,
        ranked.median_days_in_stage_percentile,
        ranked.stage_conversion_rate,
        team_medians.team_median_stage_conversion_rate,
        ranked.median_sales_cycle_days,
        team_medians.team_median_sales_cycle_days,
        case
            when ranked.grain = 'rep' then
                coalesce(ranked.stage_conversion_rate < team_medians.team_median_stage_conversion_rate, false)
        end as is_conversion_below_team_median,
        case
            when ranked.grain = 'rep' then
                coalesce(ranked.median_sales_cycle_days > 1.3 * team_medians.team_median_sales_cycle_days, false)
        end as is_cycle_longer_than_team_median,
        case
            when ranked.grain = 'rep' then
                coalesce(ranked.commit_close_rate < {{ var('commit_close_rate_floor') }}, false)
        end as is_commit_close_rate_below_floor,
        ranked.won_unknown_amount_count
    from ranked
    left join team_medians
        on
            ranked.team_id = team_medians.team_id
            and ranked.period_grain = team_medians.period_grain
            and ranked.period_start = team_medians.period_start
)

{{ select_contract_columns('flagged') }}
