-- fiscal_period_start at the week grain, weeks starting on Monday, Sunday and Wednesday,
-- worked out on a calendar: 2026-12-07 is a Monday, 2026-12-06 a Sunday, 2026-01-01 a
-- Thursday (its Monday week starts in the previous year: a week belongs to the period of its
-- first day), 2026-03-04 a Wednesday.
with cases as (
    select
        cast(cases_table.day_text as date) as day_date,
        cast(cases_table.monday_text as date) as expected_monday_week,
        cast(cases_table.sunday_text as date) as expected_sunday_week,
        cast(cases_table.wednesday_text as date) as expected_wednesday_week
    from (
        values
        ('2026-12-07', '2026-12-07', '2026-12-06', '2026-12-02'),
        ('2026-12-06', '2026-11-30', '2026-12-06', '2026-12-02'),
        ('2026-01-01', '2025-12-29', '2025-12-28', '2025-12-31'),
        ('2026-03-04', '2026-03-02', '2026-03-01', '2026-03-04')
    ) as cases_table (day_text, monday_text, sunday_text, wednesday_text)
)

select *
from cases
where
    {{ fiscal_period_start('day_date', 'week', week_start_day='monday') }} <> expected_monday_week
    or {{ fiscal_period_start('day_date', 'week', week_start_day='Sunday') }} <> expected_sunday_week
    or {{ fiscal_period_start('day_date', 'week', week_start_day='wednesday') }} <> expected_wednesday_week
    or {{ fiscal_period_start('day_date', 'week') }} <> expected_monday_week
