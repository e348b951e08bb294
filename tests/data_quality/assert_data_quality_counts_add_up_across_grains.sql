-- The counts of rpt_data_quality add up. (1) In every period, the reps' counts sum to the
-- teams' and to the company's (every rep is in one team). (2) The company's monthly counts sum
-- to the whole export: its recorded transitions (int_stage_transitions, inferred creations
-- left out) and its manual skips and people's batch-logged changes (dq_stage_progression).
-- A failing row names the grain, the period and the check that broke.
with data_quality as (
    select * from {{ ref('rpt_data_quality') }}
),

transitions as (
    select * from {{ ref('int_stage_transitions') }}
    where not is_inferred_from_deal
),

flags as (
    select * from {{ ref('dq_stage_progression') }}
),

grain_sums as (
    select
        grain,
        period_grain,
        period_start,
        sum(transition_count) as transition_count,
        sum(manual_skip_count) as manual_skip_count,
        sum(automated_skip_count) as automated_skip_count,
        sum(backward_count) as backward_count,
        sum(reopen_count) as reopen_count,
        sum(batch_logged_count) as batch_logged_count,
        sum(upward_move_count) as upward_move_count,
        sum(open_deal_count) as open_deal_count,
        sum(stale_open_deal_count) as stale_open_deal_count,
        sum(past_due_open_deal_count) as past_due_open_deal_count,
        sum(unconverted_amount_deal_count) as unconverted_amount_deal_count,
        sum(unconverted_amount_pipeline_deal_count) as unconverted_amount_pipeline_deal_count
    from data_quality
    group by grain, period_grain, period_start
),

grains_not_adding_up as (
    select
        grain_sums.grain,
        grain_sums.period_grain,
        grain_sums.period_start,
        'the ' || grain_sums.grain || ' rows do not add up to the company row' as failure_reason
    from grain_sums
    inner join grain_sums as company_sums
        on
            grain_sums.period_grain = company_sums.period_grain
            and grain_sums.period_start = company_sums.period_start
            and company_sums.grain = 'company'
    where
        grain_sums.grain <> 'company'
        and (
            grain_sums.transition_count <> company_sums.transition_count
            or grain_sums.manual_skip_count <> company_sums.manual_skip_count
            or grain_sums.automated_skip_count <> company_sums.automated_skip_count
            or grain_sums.backward_count <> company_sums.backward_count
            or grain_sums.reopen_count <> company_sums.reopen_count
            or grain_sums.batch_logged_count <> company_sums.batch_logged_count
            or grain_sums.upward_move_count <> company_sums.upward_move_count
            or grain_sums.open_deal_count <> company_sums.open_deal_count
            or grain_sums.stale_open_deal_count <> company_sums.stale_open_deal_count
            or grain_sums.past_due_open_deal_count <> company_sums.past_due_open_deal_count
            or grain_sums.unconverted_amount_deal_count <> company_sums.unconverted_amount_deal_count
            or grain_sums.unconverted_amount_pipeline_deal_count
            <> company_sums.unconverted_amount_pipeline_deal_count
        )
),

company_months as (
    select
        sum(transition_count) as transition_count,
        sum(manual_skip_count) as manual_skip_count,
        sum(batch_logged_count) as batch_logged_count
    from data_quality
    where grain = 'company' and period_grain = 'month'
),

export_totals as (
    select
        count(*) as transition_count,
        sum(case when is_manual_skip then 1 else 0 end) as manual_skip_count
    from transitions
),

flag_totals as (
    select
        sum(case when flag_type = 'manual_skip' then 1 else 0 end) as manual_skip_count,
        sum(case when flag_type = 'batch_logged' and change_source = 'manual' then 1 else 0 end)
            as batch_logged_count
    from flags
),

export_not_adding_up as (
    select
        'company' as grain,
        'month' as period_grain,
        cast(null as date) as period_start,
        'the company''s months do not add up to the export''s transitions and flags' as failure_reason
    from company_months
    cross join export_totals
    cross join flag_totals
    where
        coalesce(company_months.transition_count, 0) <> export_totals.transition_count
        or coalesce(company_months.manual_skip_count, 0) <> coalesce(export_totals.manual_skip_count, 0)
        or coalesce(company_months.manual_skip_count, 0) <> coalesce(flag_totals.manual_skip_count, 0)
        or coalesce(company_months.batch_logged_count, 0) <> coalesce(flag_totals.batch_logged_count, 0)
),

failures as (
    select * from grains_not_adding_up
    union all
    select * from export_not_adding_up
)

select * from failures
