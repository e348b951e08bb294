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

pipeline_attributed as (
    {{ attribute_to_grains('pipeline', 'owner_at_period_start_id') }}
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
    {{ attribute_to_grains('quotas', 'owner_id') }}
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
    {{ attribute_to_grains_and_periods('pushes', 'owner_id', 'changed_date') }}
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

-- the three at one row per grain and period: a column is null where its part has no row
lever_parts as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        pipeline_at_start_amount,
        expected_to_close_count,
        slipped_count,
        pipeline_unknown_amount_count,
        cast(null as decimal(18, 2)) as quota_amount,
        cast(null as {{ dbt.type_bigint() }}) as close_date_push_count
    from coverage_and_slippage
    union all
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        cast(null as decimal(18, 2)) as pipeline_at_start_amount,
        cast(null as {{ dbt.type_bigint() }}) as expected_to_close_count,
        cast(null as {{ dbt.type_bigint() }}) as slipped_count,
        cast(null as {{ dbt.type_bigint() }}) as pipeline_unknown_amount_count,
        quota_amount,
        cast(null as {{ dbt.type_bigint() }}) as close_date_push_count
    from quota_totals
    union all
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        cast(null as decimal(18, 2)) as pipeline_at_start_amount,
        cast(null as {{ dbt.type_bigint() }}) as expected_to_close_count,
        cast(null as {{ dbt.type_bigint() }}) as slipped_count,
        cast(null as {{ dbt.type_bigint() }}) as pipeline_unknown_amount_count,
        cast(null as decimal(18, 2)) as quota_amount,
        close_date_push_count
    from push_counts
),

coverage_slippage_pushes as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        sum(pipeline_at_start_amount) as pipeline_at_start_amount,
        sum(expected_to_close_count) as expected_to_close_count,
        sum(slipped_count) as slipped_count,
        sum(pipeline_unknown_amount_count) as pipeline_unknown_amount_count,
        sum(quota_amount) as quota_amount,
        sum(close_date_push_count) as close_date_push_count
    from lever_parts
    group by grain, grain_id, period_grain, period_start
)

select * from coverage_slippage_pushes
