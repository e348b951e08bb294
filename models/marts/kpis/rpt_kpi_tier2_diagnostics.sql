{#- Tier 2 diagnostics: did the period deliver what was expected? One row per grain (rep,
    team, company), grain id and fiscal period. Deals count for the owner at their close,
    in the period of their final close; quota attainment is per rep, and a distribution
    across reps at team and company grain, always over the full quota of the period (also
    while it runs); the pace compares the won amount with the share of the quota the elapsed
    part of the period stands for; forecast figures take the deals open at the period's start,
    for their owner then; forecast accuracy is null when nothing was called. A deal whose amount is unknown (no amount, or no
    conversion rate for its currency) counts in the deal counts and in the *_unknown_amount_count
    next to them, never in an amount; the average deal size divides by the won deals with a
    known amount only. Definitions: docs blocks kpi_*. -#}

with spine as (
    select * from {{ ref('int_kpi_grain_periods') }}
),

closed_deals as (
    select * from {{ ref('int_opportunity_outcomes') }}
    where is_closed
),

pipeline as (
    select * from {{ ref('int_pipeline_at_period_start') }}
),

quotas as (
    select * from {{ ref('int_quota_by_period') }}
),

as_of as (
    select as_of from {{ ref('stg_crm__export_as_of') }}
),

opportunity_cohort as (
    select * from {{ ref('int_lever_opportunity_cohort') }}
),

rep_grain_memberships as (
    select * from {{ ref('int_rep_grain_memberships') }}
),

closed_attributed as (
    {{ attribute_to_grains_and_periods(
        'closed_deals', 'owner_at_close_id', 'outcome_date', 'rep_grain_memberships', 'rep_id'
    ) }}
),

outcomes as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        sum(case when is_won then 1 else 0 end) as won_count,
        sum(case when is_lost then 1 else 0 end) as lost_count,
        coalesce(sum(case when is_won then amount end), cast(0 as decimal(18, 2))) as won_amount,
        coalesce(sum(case when is_lost then amount end), cast(0 as decimal(18, 2))) as lost_amount,
        sum(case when is_won and amount is null then 1 else 0 end) as won_unknown_amount_count,
        sum(case when is_lost and amount is null then 1 else 0 end) as lost_unknown_amount_count
    from closed_attributed
    group by grain, grain_id, period_grain, period_start
),

commit_pipeline as (
    select * from pipeline
    where forecast_category = 'Commit' and is_expected_to_close_in_period
),

commit_attributed as (
    {{ attribute_to_grains('commit_pipeline', 'owner_at_period_start_id', 'rep_grain_memberships', 'rep_id') }}
),

commits as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        count(*) as commit_deal_count,
        sum(case when is_won_in_period then 1 else 0 end) as commit_won_count,
        coalesce(sum(amount), cast(0 as decimal(18, 2))) as commit_amount,
        coalesce(sum(case when is_won_in_period then amount end), cast(0 as decimal(18, 2))) as commit_won_amount,
        sum(case when amount is null then 1 else 0 end) as commit_unknown_amount_count
    from commit_attributed
    group by grain, grain_id, period_grain, period_start
),

rep_won as (
    select
        grain_id as rep_id,
        period_grain,
        period_start,
        won_amount
    from outcomes
    where grain = 'rep'
),

-- each quota's period and the part of it the elapsed part of the period stands for, to the
-- cent per rep, so that the quota to date of a team or the company is the sum of its reps'
quota_periods as (
    select
        quotas.*,
        cast(
            {{ dbt.dateadd(
                'month', "case quotas.period_grain when 'month' then 1 when 'quarter' then 3 else 12 end",
                'quotas.period_start'
            ) }} as date
        ) as period_end
    from quotas
),

rep_attainment as (
    select
        quotas.owner_id as rep_id,
        quotas.period_grain,
        quotas.period_start,
        quotas.quota_amount,
        cast(
            quotas.quota_amount
            * {{ period_elapsed_share('quotas.period_start', 'quotas.period_end', 'as_of.as_of') }}
            as {{ revops_number_type('amount') }}
        ) as quota_to_date_amount,
        {{ quota_attainment_rate('rep_won.won_amount', 'quotas.quota_amount') }} as attainment_rate
    from quota_periods as quotas
    cross join as_of
    left join rep_won
        on
            quotas.owner_id = rep_won.rep_id
            and quotas.period_grain = rep_won.period_grain
            and quotas.period_start = rep_won.period_start
    where quotas.quota_amount > 0
),

attainment_attributed as (
    {{ attribute_to_grains('rep_attainment', 'rep_id', 'rep_grain_memberships', 'rep_id') }}
),

attainment as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        sum(quota_amount) as quota_amount,
        sum(quota_to_date_amount) as quota_to_date_amount,
        count(*) as quota_carrying_rep_count,
        sum(case when attainment_rate >= 1 then 1 else 0 end) as reps_at_or_above_quota_count,
        {{ percentile_cont('attainment_rate', 0.25) }} as quota_attainment_p25_rate,
        {{ percentile_cont('attainment_rate', 0.5) }} as quota_attainment_median_rate,
        {{ percentile_cont('attainment_rate', 0.75) }} as quota_attainment_p75_rate
    from attainment_attributed
    group by grain, grain_id, period_grain, period_start
),

combined as (
    select
        spine.grain,
        spine.grain_id,
        spine.grain_name,
        spine.period_grain,
        spine.period_start,
        spine.period_end,
        {{ period_elapsed_share('spine.period_start', 'spine.period_end', 'as_of.as_of') }} as period_elapsed_share,
        attainment.quota_attainment_p25_rate,
        attainment.quota_attainment_median_rate,
        attainment.quota_attainment_p75_rate,
        coalesce(outcomes.won_count, 0) as won_count,
        coalesce(outcomes.lost_count, 0) as lost_count,
        coalesce(outcomes.won_count, 0) + coalesce(outcomes.lost_count, 0) as closed_count,
        coalesce(outcomes.won_amount, cast(0 as decimal(18, 2))) as won_amount,
        coalesce(outcomes.lost_amount, cast(0 as decimal(18, 2))) as lost_amount,
        coalesce(outcomes.won_amount, cast(0 as decimal(18, 2)))
        + coalesce(outcomes.lost_amount, cast(0 as decimal(18, 2))) as closed_amount,
        -- quotas are set per month, quarter and year: a week has none (null, not 0), so
        -- neither attainment nor pace
        {%- for column in ['quota_amount', 'quota_to_date_amount'] %}
            cast(case
                when {{ is_month_period_grain('spine.period_grain') }}
                    then coalesce(attainment.{{ column }}, 0)
            end as {{ revops_number_type('amount') }}) as {{ column }},
        {%- endfor %}
        {%- for column in ['quota_carrying_rep_count', 'reps_at_or_above_quota_count'] %}
            case
                when {{ is_month_period_grain('spine.period_grain') }}
                    then coalesce(attainment.{{ column }}, 0)
            end as {{ column }},
        {%- endfor %}
        coalesce(commits.commit_deal_count, 0) as commit_deal_count,
        coalesce(commits.commit_won_count, 0) as commit_won_count,
        coalesce(commits.commit_amount, cast(0 as decimal(18, 2))) as commit_amount,
        coalesce(commits.commit_won_amount, cast(0 as decimal(18, 2))) as commit_won_amount,
        coalesce(outcomes.won_unknown_amount_count, 0) as won_unknown_amount_count,
        coalesce(outcomes.lost_unknown_amount_count, 0) as lost_unknown_amount_count,
        coalesce(commits.commit_unknown_amount_count, 0) as commit_unknown_amount_count,
        {%- for column in ['opportunity_cohort_count', 'opportunity_cohort_won_count',
                           'opportunity_cohort_lost_count', 'opportunity_cohort_open_count'] %}
            coalesce(opportunity_cohort.{{ column }}, 0) as {{ column }},
        {%- endfor %}
        -- mature: few of the period's deals still open, or the period long over (stage conversion's rule)
        {{ cohort_is_mature(
            'coalesce(opportunity_cohort.opportunity_cohort_count, 0)', 'spine.period_end', 'as_of.as_of',
            var('stage_conversion_mature_after_days'),
            still_open_count='coalesce(opportunity_cohort.opportunity_cohort_open_count, 0)'
        ) }} as is_opportunity_cohort_mature
    from spine
    left join outcomes
        on
            spine.grain = outcomes.grain and spine.grain_id = outcomes.grain_id
            and spine.period_grain = outcomes.period_grain and spine.period_start = outcomes.period_start
    left join attainment
        on
            spine.grain = attainment.grain and spine.grain_id = attainment.grain_id
            and spine.period_grain = attainment.period_grain and spine.period_start = attainment.period_start
    left join commits
        on
            spine.grain = commits.grain and spine.grain_id = commits.grain_id
            and spine.period_grain = commits.period_grain and spine.period_start = commits.period_start
    left join opportunity_cohort
        on
            spine.grain = opportunity_cohort.grain and spine.grain_id = opportunity_cohort.grain_id
            and spine.period_grain = opportunity_cohort.period_grain
            and spine.period_start = opportunity_cohort.period_start
    cross join as_of
),

ratios as (
    select
        combined.*,
        cast(combined.won_count as {{ type_double() }}) / nullif(combined.closed_count, 0) as win_rate,
        cast(combined.won_amount as {{ type_double() }}) / nullif(combined.closed_amount, 0) as win_rate_amount,
        -- the won deals with a known amount only: an unknown amount is not an amount of 0
        cast(combined.won_amount as {{ type_double() }})
        / nullif(combined.won_count - combined.won_unknown_amount_count, 0) as avg_deal_size_amount,
        cast(combined.won_amount as {{ type_double() }}) / nullif(combined.quota_amount, 0) as quota_attainment_rate,
        -- won against the part of the full quota the elapsed part of the period stands for: "on pace?"
        cast(combined.won_amount as {{ type_double() }})
        / nullif(combined.quota_to_date_amount, 0) as quota_pace_rate,
        cast(combined.reps_at_or_above_quota_count as {{ type_double() }})
        / nullif(combined.quota_carrying_rep_count, 0)
            as reps_at_or_above_quota_rate,
        cast(combined.commit_won_count as {{ type_double() }})
        / nullif(combined.commit_deal_count, 0) as commit_close_rate,
        cast(combined.commit_won_amount as {{ type_double() }})
        / nullif(combined.commit_amount, 0) as commit_close_rate_amount,
        combined.commit_amount as forecast_called_amount,
        -- nothing called (no Commit deal at the period start): unknown, not a miss of 100%
        case
            when combined.commit_deal_count > 0
                then
                    1
                    - abs(cast(combined.commit_amount - combined.won_amount as {{ type_double() }}))
                    / nullif(combined.won_amount, 0)
        end as forecast_accuracy_rate,
        cast(combined.opportunity_cohort_won_count as {{ type_double() }})
        / nullif(combined.opportunity_cohort_count, 0) as opportunity_cohort_win_rate
    from combined
)

{{ select_contract_columns('ratios') }}
