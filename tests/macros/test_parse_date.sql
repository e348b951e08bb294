-- parse_date: ISO dates (and the date part of ISO timestamps); everything else is null.
with cases as (
    select
        cases_table.input_text,
        cast(cases_table.expected_text as date) as expected
    from (
        values
        ('2025-03-05', '2025-03-05'),
        ('2025-03-05T10:00:00.000Z', '2025-03-05'),
        ('9999-12-31', '9999-12-31'),
        ('2025-13-45', null),
        ('2025-02-29', null),
        ('2024-02-29', '2024-02-29'),
        ('2000-02-29', '2000-02-29'),
        ('2100-02-29', null),
        ('2025-04-31', null),
        ('2025-00-10', null),
        ('03/05/2025', null),
        ('tomorrow', null),
        (null, null)
    ) as cases_table (input_text, expected_text)
)

select *
from cases
where {{ parse_date('input_text') }} is distinct from expected
