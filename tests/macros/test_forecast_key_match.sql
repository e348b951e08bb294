-- forecast_key_match: two forecasts match on all six key columns at grain level and on the
-- four of the period at period level; a difference in any one column is no match.
with cases as (
    select
        cases_table.case_name,
        cases_table.grain,
        cases_table.grain_id,
        cases_table.period_grain,
        cases_table.period_start,
        cases_table.forecast_date,
        cases_table.is_latest,
        cases_table.matches_grain,
        cases_table.matches_period
    from (
        values
        ('same forecast', 'rep', 'r1', 'quarter', date '2025-01-01', date '2025-01-06', false, true, true),
        ('other rep', 'rep', 'r2', 'quarter', date '2025-01-01', date '2025-01-06', false, false, true),
        ('other grain', 'team', 'r1', 'quarter', date '2025-01-01', date '2025-01-06', false, false, true),
        ('other period grain', 'rep', 'r1', 'month', date '2025-01-01', date '2025-01-06', false, false, false),
        ('other period', 'rep', 'r1', 'quarter', date '2025-04-01', date '2025-01-06', false, false, false),
        ('other forecast date', 'rep', 'r1', 'quarter', date '2025-01-01', date '2025-01-13', false, false, false),
        ('the latest', 'rep', 'r1', 'quarter', date '2025-01-01', date '2025-01-06', true, false, false)
    ) as cases_table (
        case_name, grain, grain_id, period_grain, period_start, forecast_date, is_latest, matches_grain, matches_period
    )
),

reference as (
    select *
    from cases
    where case_name = 'same forecast'
),

judged as (
    select
        cases.case_name,
        cases.matches_grain,
        cases.matches_period,
        coalesce({{ forecast_key_match('cases', 'reference') }}, false) as got_grain,
        coalesce({{ forecast_key_match('cases', 'reference', level='period') }}, false) as got_period
    from cases
    cross join reference
)

select *
from judged
where got_grain != matches_grain or got_period != matches_period
