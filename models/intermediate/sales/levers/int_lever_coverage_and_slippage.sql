{#- Pipeline coverage and slippage lever: one row per grain (rep, team, company), grain id and
    fiscal period with pipeline at its start, quota or close-date pushes. Pipeline and
    slippage count for the deal's owner at the period start (the amount expected to close in
    the period, the deals expected to close and those of them whose amount is unknown, the
    deals that slipped out); the quota for its owner; a close-date push for the deal's owner
    when it was pushed, in the period of the push. -#}

with pipeline as (
    select * from {{ ref('int_pipeline_at_period_start') }}
),

quotas as (
    select * from {{ ref('int_quota_by_period') }}
),

close_date_changes as (
    select * from {{ ref('int_close_date_changes') }}
),

owners as (
    select * from {{ ref('int_opportunity_owners_historized') }}
),

rep_grain_memberships as (
    select * from {{ ref('int_rep_grain_memberships') }}
),

pipeline_attributed as (
    {{ attribute_to_grains('pipeline', 'owner_at_period_start_id', 'rep_grain_memberships', 'rep_id') }}
),

coverage_and_slippage as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        coalesce(
            sum(case when is_expected_to_close_in_period then amount end), cast(0 as decimal(18, 2))
        ) as pipeline_at_start_amount,
        sum(case when is_expected_to_close_in_period then 1 else 0 end) as expected_to_close_count,
        sum(case when is_slipped then 1 else 0 end) as slipped_count,
        sum(case when is_expected_to_close_in_period and amount is null then 1 else 0 end)
            as pipeline_unknown_amount_count
    from pipeline_attributed
    group by grain, grain_id, period_grain, period_start
),

quota_attributed as (
    {{ attribute_to_grains('quotas', 'owner_id', 'rep_grain_memberships', 'rep_id') }}
),

quota_totals as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        sum(quota_amount) as quota_amount
    from quota_attributed
    group by grain, grain_id, period_grain, period_start
),

pushes as (
    select
        close_date_changes.opportunity_id,
        {{ to_reporting_date('close_date_changes.changed_at') }} as changed_date,
        owners.owner_id
    from close_date_changes
    inner join owners
        on {{ owner_at('owners', 'close_date_changes.opportunity_id', 'close_date_changes.changed_at') }}
    where close_date_changes.is_push
),

pushes_attributed as (
    {{ attribute_to_grains_and_periods('pushes', 'owner_id', 'changed_date', 'rep_grain_memberships', 'rep_id') }}
),

push_counts as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        count(*) as close_date_push_count
    from pushes_attributed
    group by grain, grain_id, period_grain, period_start
),

-- the grains and periods with any of the three: each part joined to them (null where it has
-- no row)
lever_keys as (
    select
        grain,
        grain_id,
        period_grain,
        period_start
    from coverage_and_slippage
    union
    select
        grain,
        grain_id,
        period_grain,
        period_start
    from quota_totals
    union
    select
        grain,
        grain_id,
        period_grain,
        period_start
    from push_counts
),

coverage_slippage_pushes as (
    select
        lever_keys.grain,
        lever_keys.grain_id,
        lever_keys.period_grain,
        lever_keys.period_start,
        coverage_and_slippage.pipeline_at_start_amount,
        coverage_and_slippage.expected_to_close_count,
        coverage_and_slippage.slipped_count,
        coverage_and_slippage.pipeline_unknown_amount_count,
        quota_totals.quota_amount,
        push_counts.close_date_push_count
    from lever_keys
    left join coverage_and_slippage
        on
            lever_keys.grain = coverage_and_slippage.grain
            and lever_keys.grain_id = coverage_and_slippage.grain_id
            and lever_keys.period_grain = coverage_and_slippage.period_grain
            and lever_keys.period_start = coverage_and_slippage.period_start
    left join quota_totals
        on
            lever_keys.grain = quota_totals.grain
            and lever_keys.grain_id = quota_totals.grain_id
            and lever_keys.period_grain = quota_totals.period_grain
            and lever_keys.period_start = quota_totals.period_start
    left join push_counts
        on
            lever_keys.grain = push_counts.grain
            and lever_keys.grain_id = push_counts.grain_id
            and lever_keys.period_grain = push_counts.period_grain
            and lever_keys.period_start = push_counts.period_start
)

select * from coverage_slippage_pushes
