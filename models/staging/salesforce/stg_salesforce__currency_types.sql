with currency_type_rows as (
    select * from {{ ref('base_salesforce__currency_type_rows') }}
),

staged as (
    select
        conversion_rate,
        decimal_places,
        is_corporate,
        iso_code as currency_code,
        coalesce(is_active, true) as is_active
    from currency_type_rows
    where row_status = 'staged'
)

select * from staged
