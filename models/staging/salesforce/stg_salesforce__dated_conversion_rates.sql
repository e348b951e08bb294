with rate_rows as (
    select * from {{ ref('base_salesforce__dated_conversion_rate_rows') }}
),

staged as (
    select
        conversion_rate,
        start_date,
        next_start_date,
        iso_code as currency_code
    from rate_rows
    where row_status = 'staged'
)

select * from staged
