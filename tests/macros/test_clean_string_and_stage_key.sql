-- clean_string: blanks and the literal null become null, values are trimmed.
-- stage_key: case and runs of white space do not make a different stage.
with cases as (
    select cases_table.*
    from (
        values
        ('  Prospecting ', 'Prospecting', 'prospecting'),
        ('Needs  Analysis', 'Needs  Analysis', 'needs analysis'),
        ('closed WON', 'closed WON', 'closed won'),
        ('null', null, null),
        ('NULL', null, null),
        ('   ', null, null),
        ('', null, null)
    ) as cases_table (input_text, expected_clean, expected_key)
)

select *
from cases
where
    {{ clean_string('input_text') }} is distinct from expected_clean
    or {{ stage_key(clean_string('input_text')) }} is distinct from expected_key
