{#- One row per currency and validity range: units of the currency per one unit of the
    corporate currency (var corporate_currency), valid from valid_from up to (not including)
    valid_to. The corporate currency itself is always 1. A single-currency export needs no
    DatedConversionRate. -#}

with rates as (
    select * from {{ ref('stg_salesforce__dated_conversion_rates') }}
),

exported as (
    select
        currency_code,
        conversion_rate,
        start_date as valid_from,
        coalesce(next_start_date, cast('9999-12-31' as date)) as valid_to
    from rates
    where currency_code <> '{{ var("corporate_currency") }}'
),

corporate as (
    select
        '{{ var("corporate_currency") }}' as currency_code,
        cast(1.0 as {{ type_double() }}) as conversion_rate,
        cast('0001-01-01' as date) as valid_from,
        cast('9999-12-31' as date) as valid_to
),

dated as (
    select * from exported
    union all
    select * from corporate
)

select * from dated
