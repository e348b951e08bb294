-- salesforce_id18: the checksum suffix worked out by hand.
-- 0065g00000AbcdE: chunks '0065g' (no capitals: 0 = A), '00000' (0 = A),
-- 'AbcdE' (capitals at positions 0 and 4: 1 + 16 = 17 = R)  ->  AAR.
-- 001Dn00000XyZab: '001Dn' (D at 3: 8 = I), '00000' (A), 'XyZab' (X at 0, Z at 2: 1 + 4 = 5 = F).
-- 005ABCDEFGHIJKL: '005AB' (3, 4: 8 + 16 = 24 = Y), 'CDEFG' (all: 31 = 5), 'HIJKL' (31 = 5).
with cases as (
    select cases_table.*
    from (
        values
        ('0065g00000AbcdE', '0065g00000AbcdEAAR'),
        ('001Dn00000XyZab', '001Dn00000XyZabIAF'),
        ('005ABCDEFGHIJKL', '005ABCDEFGHIJKLY55'),
        ('0065g00000AbcdEAAR', '0065g00000AbcdEAAR'),
        ('006BAD', null),
        ('0065g00000Abcd!', null),
        ('0065g00000AbcdEAA', null),
        (null, null)
    ) as cases_table (input_text, expected)
)

select *
from cases
where {{ salesforce_id18('input_text') }} is distinct from expected
