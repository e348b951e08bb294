-- mask_contact_details: e-mail addresses and telephone numbers as people type them are masked;
-- years, year ranges, dates, amounts, seat counts and plain order numbers are not.
with cases as (
    select
        cases_table.input_text,
        cases_table.expected
    from (
        values
        ('Acme - jane.doe@acme.co.uk', 'Acme - [email]'),
        ('Renewal (ops+billing@globex.com)', 'Renewal ([email])'),
        ('Call Jim +1 415 555 0132 first', 'Call Jim [phone] first'),
        ('Initech +44 (0)20 7946 0958', 'Initech [phone]'),
        ('Umbrella +49-30-1234567', 'Umbrella [phone]'),
        ('Hooli +4930123456', 'Hooli [phone]'),
        ('Stark (415) 555-0132', 'Stark [phone]'),
        ('Wayne 415-555-0132 / 415.555.0199', 'Wayne [phone] / [phone]'),
        ('Lost: champion left, ask bob@wayne.com or (020) 7946 0958', 'Lost: champion left, ask [email] or [phone]'),
        ('Acme Renewal FY2025-2026', 'Acme Renewal FY2025-2026'),
        ('Expansion 2025-06-30 +25 seats', 'Expansion 2025-06-30 +25 seats'),
        ('Upsell +1000 licences', 'Upsell +1000 licences'),
        ('PO 4500012345 - 1,200.50 EUR', 'PO 4500012345 - 1,200.50 EUR'),
        ('Price', 'Price'),
        (null, null)
    ) as cases_table (input_text, expected)
),

masked as (
    select
        input_text,
        expected,
        {{ mask_contact_details('input_text') }} as actual
    from cases
)

select *
from masked
where actual is distinct from expected
