-- excel_zero_date: the spreadsheet zero dates (serial day 0 or 1 of the 1900 system), ISO or
-- locale-spelled, with or without a time; any other date is not one.
with cases as (
    select
        cases_table.input_text,
        cases_table.expected
    from (
        values
        ('1899-12-30', true),
        ('1899-12-31', true),
        ('1900-01-00', true),
        ('1900-01-01', true),
        ('1899-12-30T00:00:00.000Z', true),
        ('1900-01-01 00:00:00', true),
        ('12/30/1899', true),
        ('1/0/1900', true),
        ('01/00/1900', true),
        ('30/12/1899', true),
        ('0/1/1900', true),
        ('1/1/1900', true),
        ('1899-12-29', false),
        ('1900-01-02', false),
        ('1900-02-01', false),
        ('2025-12-30', false),
        ('12/30/1999', false),
        ('', false),
        (null, null)
    ) as cases_table (input_text, expected)
)

select *
from cases
where {{ excel_zero_date('input_text') }} is distinct from expected
