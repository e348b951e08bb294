{#- One row per currency and validity range: units of the currency per one unit of the
    reporting currency (var corporate_currency), valid from valid_from up to (not including)
    valid_to. The one currency rule of the project:
    - a currency with dated rates in the export (DatedConversionRate) uses them;
    - a currency without dated rates uses its static rate (CurrencyType.ConversionRate),
      valid for all dates; inactive currencies too (they still convert old deals);
    - Salesforce quotes every rate in the org's corporate currency (CurrencyType.IsCorporate;
      without CurrencyType the var's currency is taken as the org's). When the var names
      another currency, every rate is rebased onto it: rate of the currency / rate of the
      var's currency in force on the same dates;
    - the var's currency itself is always 1, over all time;
    - a dated rate ends at its NextStartDate or at the next StartDate of the same currency,
      whichever is earlier: rows whose ranges overlap (a hand-edited or merged export) hand
      over at each StartDate, so there is one rate per currency per day (two rows of one
      StartDate are conflicting_duplicate_id in staging), and a gap the export leaves
      stays a gap.
    A currency with no rate at a date is absent here for that date: its amounts cannot be
    converted, and the models that convert flag them (is_missing_conversion_rate). A
    single-currency export needs neither object. -#}

with dated_rates as (
    select * from {{ ref('stg_crm__dated_conversion_rates') }}
),

currency_types as (
    select * from {{ ref('stg_crm__currency_types') }}
),

-- the currency Salesforce's rates are quoted in
org_corporate_currency as (
    select
        coalesce(
            max(case when is_corporate then currency_code end), {{ corporate_currency() }}
        ) as currency_code
    from currency_types
),

dated_currencies as (
    select distinct currency_code
    from dated_rates
),

dated_rates_with_next_start as (
    select
        currency_code,
        conversion_rate,
        start_date,
        coalesce(next_start_date, cast('9999-12-31' as date)) as next_start_date,
        coalesce(
            lead(start_date) over (partition by currency_code order by start_date),
            cast('9999-12-31' as date)
        ) as following_start_date
    from dated_rates
),

org_dated as (
    select
        dated_rates_with_next_start.currency_code,
        dated_rates_with_next_start.conversion_rate,
        dated_rates_with_next_start.start_date as valid_from,
        case
            when dated_rates_with_next_start.following_start_date < dated_rates_with_next_start.next_start_date
                then dated_rates_with_next_start.following_start_date
            else dated_rates_with_next_start.next_start_date
        end as valid_to
    from dated_rates_with_next_start
    cross join org_corporate_currency
    where dated_rates_with_next_start.currency_code <> org_corporate_currency.currency_code
),

org_static as (
    select
        currency_types.currency_code,
        currency_types.conversion_rate,
        cast('0001-01-01' as date) as valid_from,
        cast('9999-12-31' as date) as valid_to
    from currency_types
    cross join org_corporate_currency
    left join dated_currencies
        on currency_types.currency_code = dated_currencies.currency_code
    where
        dated_currencies.currency_code is null
        and currency_types.currency_code <> org_corporate_currency.currency_code
),

org_corporate as (
    select
        currency_code,
        cast(1.0 as {{ type_double() }}) as conversion_rate,
        cast('0001-01-01' as date) as valid_from,
        cast('9999-12-31' as date) as valid_to
    from org_corporate_currency
),

-- every rate in units of the currency per one unit of the org's corporate currency
org_rates as (
    select * from org_dated
    union all
    select * from org_static
    union all
    select * from org_corporate
),

reporting_currency_rates as (
    select * from org_rates
    where currency_code = {{ corporate_currency() }}
),

-- onto the reporting currency, over the dates where both rates are known (the org's
-- corporate currency is 1 over all time, so without a rebase nothing changes)
rebased as (
    select
        org_rates.currency_code,
        cast(org_rates.conversion_rate as {{ type_double() }})
        / reporting_currency_rates.conversion_rate as conversion_rate,
        greatest(org_rates.valid_from, reporting_currency_rates.valid_from) as valid_from,
        least(org_rates.valid_to, reporting_currency_rates.valid_to) as valid_to
    from org_rates
    inner join reporting_currency_rates
        on
            org_rates.valid_from < reporting_currency_rates.valid_to
            and org_rates.valid_to > reporting_currency_rates.valid_from
    where org_rates.currency_code <> {{ corporate_currency() }}
),

reporting_currency as (
    select
        {{ corporate_currency() }} as currency_code,
        cast(1.0 as {{ type_double() }}) as conversion_rate,
        cast('0001-01-01' as date) as valid_from,
        cast('9999-12-31' as date) as valid_to
),

dated as (
    select * from rebased
    union all
    select * from reporting_currency
)

select * from dated
