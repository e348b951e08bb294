{#- The five-metric scorecard: one row per grain (rep, team, company), grain id and fiscal
    period with quota attainment (tier 1), commit close rate (tier 2), sales velocity (tier 3),
    deals won and lost (tier 2) and median time in stage (tier 3); each with its percentile
    among peers of the same grain in the same period (1 = best; for time in stage, shorter is
    better), and for reps, coaching flags against their team: stage conversion below the team
    median, sales cycle more than 30% longer than the team median, commit close rate below the
    var commit_close_rate_floor. At team and company grain quota attainment is also given as
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

metrics as (
    select
        tier2.grain,
        tier2.grain_id,
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

team_medians as (
    select
        reps.team_id,
        metrics.period_grain,
        metrics.period_start,
        {{ percentile_cont('metrics.stage_conversion_rate', 0.5) }} as team_median_stage_conversion_rate,
        {{ percentile_cont('metrics.median_sales_cycle_days', 0.5) }} as team_median_sales_cycle_days
    from metrics
    inner join reps
        on metrics.grain_id = reps.rep_id
    where metrics.grain = 'rep'
    group by reps.team_id, metrics.period_grain, metrics.period_start
),

ranked as (
    select
        metrics.*,
        {%- for metric, direction in [('quota_attainment_rate', 'asc'), ('commit_close_rate', 'asc'),
                                      ('sales_velocity_per_day_amount', 'asc'), ('won_count', 'asc'),
                                      ('lost_count', 'desc'), ('median_days_in_stage', 'desc')] %}
            case
                when metrics.{{ metric }} is not null then
                    percent_rank() over (
                        partition by
                            metrics.grain, metrics.period_grain, metrics.period_start,
                            metrics.{{ metric }} is null
                        order by metrics.{{ metric }} {{ direction }}
                    )
            end as {{ metric }}_percentile,
        {%- endfor %}
        reps.team_id
    from metrics
    left join reps
        on metrics.grain = 'rep' and metrics.grain_id = reps.rep_id
),

flagged as (
    select
        ranked.grain,
        ranked.grain_id,
        ranked.period_grain,
        ranked.period_start,
        ranked.period_end,
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
        ranked.lost_count_percentile,
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
