-- fiscal_period_start with the fiscal year starting in February (overridden below) and in
-- January, worked out by hand: with a February start, Q1 = Feb-Apr, Q4 = Nov-Jan.
with cases as (
    select
        cast(cases_table.day_text as date) as day_date,
        cast(cases_table.month_start_text as date) as expected_month,
        cast(cases_table.quarter_start_text as date) as expected_quarter,
        cast(cases_table.year_start_text as date) as expected_year
    from (
        values
        ('2026-01-15', '2026-01-01', '2025-11-01', '2025-02-01'),
        ('2026-02-01', '2026-02-01', '2026-02-01', '2026-02-01'),
        ('2026-04-30', '2026-04-01', '2026-02-01', '2026-02-01'),
        ('2026-05-01', '2026-05-01', '2026-05-01', '2026-02-01'),
        ('2026-12-31', '2026-12-01', '2026-11-01', '2026-02-01')
    ) as cases_table (day_text, month_start_text, quarter_start_text, year_start_text)
)

select *
from cases
where
    {{ fiscal_period_start('day_date', 'month', 2) }} <> expected_month
    or {{ fiscal_period_start('day_date', 'quarter', 2) }} <> expected_quarter
    or {{ fiscal_period_start('day_date', 'year', 2) }} <> expected_year
    or {{ fiscal_period_start('day_date', 'quarter', 1) }}
    <> cast({{ dbt.date_trunc('quarter', 'day_date') }} as date)
    or {{ fiscal_period_start('day_date', 'year', 1) }}
    <> cast({{ dbt.date_trunc('year', 'day_date') }} as date)
