-- parse_number: plain decimals only; separators, symbols and suffixes are rejected.
with cases as (
    select
        cases_table.input_text,
        cases_table.kind,
        cast(cases_table.expected_text as {{ type_double() }}) as expected
    from (
        values
        ('12500.00', 'amount', '12500'),
        ('-3', 'amount', '-3'),
        ('20000.5', 'amount', '20000.5'),
        ('.5', 'number', '0.5'),
        ('1.5e3', 'number', '1500'),
        ('20', 'integer', '20'),
        ('1.005', 'amount', '1.01'),
        -- out of the type's range: null on every engine (PostgreSQL's cast would raise)
        ('99999999999999999', 'amount', null),
        ('9223372036854775808', 'integer', null),
        ('12k', 'amount', null),
        ('1,234.50', 'amount', null),
        ('$100', 'amount', null),
        ('12.5', 'integer', null),
        ('', 'number', null),
        (null, 'amount', null)
    ) as cases_table (input_text, kind, expected_text)
),

parsed as (
    select
        input_text,
        kind,
        expected,
        case kind
            when 'amount' then cast({{ parse_number('input_text', 'amount') }} as {{ type_double() }})
            when 'integer' then cast({{ parse_number('input_text', 'integer') }} as {{ type_double() }})
            else {{ parse_number('input_text', 'number') }}
        end as actual
    from cases
)

select *
from parsed
where actual is distinct from expected
