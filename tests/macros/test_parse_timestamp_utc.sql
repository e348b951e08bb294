-- parse_timestamp_utc: every ISO 8601 form an export uses lands in UTC; junk is null.
-- Text without an offset is read in the var crm_export_timezone: its expected values below are
-- for UTC, so under another time zone only the texts with an offset (and the nulls) are checked.
with cases as (
    select
        cases_table.input_text,
        cast(cases_table.expected_text as timestamp) as expected
    from (
        values
        ('2025-03-05T14:22:11.000Z', '2025-03-05 14:22:11'),
        ('2025-03-05T14:22:11.000+0000', '2025-03-05 14:22:11'),
        ('2025-03-05T14:22:11+02:00', '2025-03-05 12:22:11'),
        ('2025-03-05T23:30:00-05', '2025-03-06 04:30:00'),
        ('2025-03-05 14:22:11', '2025-03-05 14:22:11'),
        ('2025-03-05T14:22:11.250Z', '2025-03-05 14:22:11.25'),
        ('2025-03-05', '2025-03-05 00:00:00'),
        ('2025-03-05T14:22', '2025-03-05 14:22:00'),
        ('2025-03-05T14:22:11.1234567Z', '2025-03-05 14:22:11.123456'),
        ('2024-02-29T10:00:00Z', '2024-02-29 10:00:00'),
        ('2025-03-05T24:00:00', '2025-03-06 00:00:00'),
        -- impossible values are null on every engine (PostgreSQL's cast would raise)
        ('2025-02-30T10:00:00Z', null),
        ('2025-13-01T10:00:00.000Z', null),
        ('2025-02-30T25:61:00.000Z', null),
        ('2025-03-05T14:60:00Z', null),
        ('2025-03-05T23:59:60', null),
        ('yesterday', null),
        ('05/03/2025 14:22', null),
        (null, null)
    ) as cases_table (input_text, expected_text)
)

select *
from cases
where
    {{ parse_timestamp_utc('input_text') }} is distinct from expected
    and (
        '{{ var("crm_export_timezone") | upper }}' = 'UTC'
        or expected is null
        or {{ regexp_full_match('input_text', '.*\\d{2}:\\d{2}(:\\d{2}(\\.\\d*)?)? ?([Zz]|[+-]\\d{2}(:?\\d{2})?)') }}
    )
