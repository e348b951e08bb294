-- implausible_amount_check: negative amounts and amounts above max_plausible_amount (default
-- 1e12) are implausible; zero, the ceiling itself and blank amounts are not.
with cases as (
    select
        cast(cases_table.amount as decimal(18, 2)) as amount,
        cases_table.expected
    from (
        values
        (0, null),
        (12500.5, null),
        (1000000000000, null),
        (-0.01, 'implausible_amount'),
        (-5000, 'implausible_amount'),
        (1000000000000.01, 'implausible_amount'),
        (9990000000000000, 'implausible_amount'),
        (null, null)
    ) as cases_table (amount, expected)
)

select *
from cases
where {{ implausible_amount_check(['amount']) }} is distinct from expected
