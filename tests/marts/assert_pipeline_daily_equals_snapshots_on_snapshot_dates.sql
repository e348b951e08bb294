{#- On every snapshot date, rpt_pipeline_daily equals fct_pipeline_snapshots summed per grain
    (owner's memberships), stage and forecast category: open deals, amount, weighted amount
    and weighted deals. A failing row names the key and both sides. -#}

with snapshots as (
    select
        snapshot_date,
        owner_id,
        stage_name,
        forecast_category,
        amount,
        weighted_amount,
        win_probability
    from {{ ref('fct_pipeline_snapshots') }}
),

rep_grain_memberships as (
    select * from {{ ref('int_rep_grain_memberships') }}
),

attributed as (
    {{ attribute_to_grains('snapshots', 'owner_id', 'rep_grain_memberships', 'rep_id') }}
),

expected as (
    select
        grain,
        grain_id,
        snapshot_date as pipeline_date,
        stage_name,
        forecast_category,
        count(*) as open_deal_count,
        coalesce(sum(amount), 0) as amount,
        coalesce(sum(weighted_amount), 0) as weighted_amount,
        count(win_probability) as weighted_deal_count
    from attributed
    group by grain, grain_id, snapshot_date, stage_name, forecast_category
),

snapshot_dates as (
    select distinct snapshot_date from snapshots
),

daily as (
    select daily_rows.*
    from {{ ref('rpt_pipeline_daily') }} as daily_rows
    inner join snapshot_dates
        on daily_rows.pipeline_date = snapshot_dates.snapshot_date
),

compared as (
    select
        daily.open_deal_count,
        daily.amount,
        daily.weighted_amount,
        daily.weighted_deal_count,
        expected.open_deal_count as expected_open_deal_count,
        expected.amount as expected_amount,
        expected.weighted_amount as expected_weighted_amount,
        expected.weighted_deal_count as expected_weighted_deal_count,
        coalesce(expected.grain, daily.grain) as grain,
        coalesce(expected.grain_id, daily.grain_id) as grain_id,
        coalesce(expected.pipeline_date, daily.pipeline_date) as pipeline_date,
        coalesce(expected.stage_name, daily.stage_name) as stage_name,
        coalesce(expected.forecast_category, daily.forecast_category) as forecast_category
    from expected
    full outer join daily
        on
            expected.grain = daily.grain
            and expected.grain_id = daily.grain_id
            and expected.pipeline_date = daily.pipeline_date
            and expected.stage_name = daily.stage_name
            and coalesce(expected.forecast_category, '') = coalesce(daily.forecast_category, '')
)

select * from compared
where
    expected_open_deal_count is null
    or open_deal_count is null
    or expected_open_deal_count != open_deal_count
    or expected_amount != amount
    or expected_weighted_amount != weighted_amount
    or expected_weighted_deal_count != weighted_deal_count
