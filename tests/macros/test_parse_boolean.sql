-- parse_boolean: the spellings exports use; anything else is null.
with cases as (
    select
        cases_table.input_text,
        cast(cases_table.expected_text as boolean) as expected
    from (
        values
        ('true', 'true'), ('TRUE', 'true'), ('True', 'true'), ('1', 'true'), ('t', 'true'), ('yes', 'true'),
        ('false', 'false'), ('FALSE', 'false'), ('0', 'false'), ('f', 'false'), ('No', 'false'),
        ('maybe', null), ('2', null), (null, null)
    ) as cases_table (input_text, expected_text)
)

select *
from cases
where {{ parse_boolean('input_text') }} is distinct from expected
