-- No gaps: every rep in dim_reps, every team they belong to and the company have a row for
-- every period of int_fiscal_periods in each KPI table at (grain, period) grain, and a row per
-- open funnel stage in the per-stage tables, even when nothing happened. A failing row names
-- the table and the missing grain, period (and stage). The calendar itself must hold every
-- period grain (period_grains(): week, month, quarter, year), so the check cannot pass on a
-- calendar that lost one: a missing period grain is a row with no period start.
{%- set grain_tables = [
    'rpt_kpi_tier1_outcomes', 'rpt_kpi_tier2_diagnostics', 'rpt_kpi_tier3_levers',
    'rpt_rep_scorecard',
] %}
{%- set stage_tables = ['rpt_stage_conversion', 'rpt_time_in_stage'] %}

with reps as (
    select * from {{ ref('dim_reps') }}
),

periods as (
    select * from {{ ref('int_fiscal_periods') }}
),

open_stages as (
    select stage_name from {{ ref('stg_crm__stage_funnel') }}
    where not is_closed
),

grains as (
    select distinct
        'rep' as grain,
        rep_id as grain_id
    from reps
    union all
    select distinct
        'team' as grain,
        team_id as grain_id
    from reps
    union all
    select
        'company' as grain,
        'all' as grain_id
),

expected as (
    select
        grains.grain,
        grains.grain_id,
        periods.period_grain,
        periods.period_start
    from grains
    cross join periods
),

expected_by_stage as (
    select
        expected.grain,
        expected.grain_id,
        expected.period_grain,
        expected.period_start,
        open_stages.stage_name
    from expected
    cross join open_stages
),

expected_period_grains as (
    {%- for period_grain in period_grains() %}
        select '{{ period_grain }}' as period_grain
        {{- '\n        union all' if not loop.last }}
    {%- endfor %}
),

calendar_period_grains as (
    select distinct period_grain from periods
),

missing_period_grains as (
    select
        'int_fiscal_periods' as table_name,
        'company' as grain,
        'all' as grain_id,
        expected_period_grains.period_grain,
        cast(null as date) as period_start,
        cast(null as {{ dbt.type_string() }}) as stage_name
    from expected_period_grains
    left join calendar_period_grains
        on expected_period_grains.period_grain = calendar_period_grains.period_grain
    where calendar_period_grains.period_grain is null
),

missing as (
    select * from missing_period_grains
    union all
    {%- for table in grain_tables %}
        select
            '{{ table }}' as table_name,
            expected.grain,
            expected.grain_id,
            expected.period_grain,
            expected.period_start,
            cast(null as {{ dbt.type_string() }}) as stage_name
        from expected
        left join {{ ref(table) }} as kpis
            on
                expected.grain = kpis.grain
                and expected.grain_id = kpis.grain_id
                and expected.period_grain = kpis.period_grain
                and expected.period_start = kpis.period_start
        where kpis.grain is null
        union all
    {%- endfor %}
    {%- for table in stage_tables %}
        select
            '{{ table }}' as table_name,
            expected_by_stage.grain,
            expected_by_stage.grain_id,
            expected_by_stage.period_grain,
            expected_by_stage.period_start,
            expected_by_stage.stage_name
        from expected_by_stage
        left join {{ ref(table) }} as kpis
            on
                expected_by_stage.grain = kpis.grain
                and expected_by_stage.grain_id = kpis.grain_id
                and expected_by_stage.period_grain = kpis.period_grain
                and expected_by_stage.period_start = kpis.period_start
                and expected_by_stage.stage_name = kpis.stage_name
        where kpis.grain is null
        {{- '\n        union all' if not loop.last }}
    {%- endfor %}
)

select * from missing
