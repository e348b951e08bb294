with currency_type_rows as (
    select * from {{ ref('stg_salesforce__currency_type_rows') }}
),

staged as (
    select
        upper(iso_code) as currency_code,
        conversion_rate,
        decimal_places,
        coalesce(is_active, true) as is_active,
        is_corporate
    from currency_type_rows
    where row_status = 'staged'
)

select * from staged
