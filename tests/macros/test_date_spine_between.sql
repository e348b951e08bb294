-- date_spine_between, worked out on a calendar: the days from Tuesday 2024-02-27 to Saturday
-- 2024-03-02, both included, are Feb 27, 28, 29 (a leap year), Mar 1 and 2: 5 days. The
-- months (first days) from 2024-11-01 to 2025-02-15 are Nov 1, Dec 1, Jan 1 and Feb 1: 4
-- (a spine row is kept from the first date on and up to the last, included; a month's first
-- day before the first date would not be).
with bounds as (
    select
        cast('2024-02-27' as date) as first_day,
        cast('2024-03-02' as date) as last_day,
        cast('2024-11-01' as date) as first_month,
        cast('2025-02-15' as date) as last_month
),

days as (
    {{ date_spine_between('day', 'bounds', 'first_day', 'last_day', 'spine_date') }}
),

months as (
    {{ date_spine_between('month', 'bounds', 'first_month', 'last_month', 'spine_date') }}
),

spine as (
    select
        'day' as datepart,
        spine_date
    from days
    union all
    select
        'month' as datepart,
        spine_date
    from months
),

expected as (
    select
        expected_table.datepart,
        cast(expected_table.date_text as date) as spine_date
    from (
        values
        ('day', '2024-02-27'),
        ('day', '2024-02-28'),
        ('day', '2024-02-29'),
        ('day', '2024-03-01'),
        ('day', '2024-03-02'),
        ('month', '2024-11-01'),
        ('month', '2024-12-01'),
        ('month', '2025-01-01'),
        ('month', '2025-02-01')
    ) as expected_table (datepart, date_text)
),

missing_or_extra as (
    (
        select
            'missing from the spine' as problem,
            datepart,
            spine_date
        from expected
        except all
        select
            'missing from the spine' as problem,
            datepart,
            spine_date
        from spine
    )
    union all
    (
        select
            'not expected' as problem,
            datepart,
            spine_date
        from spine
        except all
        select
            'not expected' as problem,
            datepart,
            spine_date
        from expected
    )
)

select * from missing_or_extra
