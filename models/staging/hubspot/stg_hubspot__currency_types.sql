{#- HubSpot's connector has no currency rates the project reads: no rows, typed as every CRM's
    currency types (stg_crm__currency_types). Amounts are taken in their deal currency, the
    var corporate_currency unless a deal says otherwise. -#}

select
    cast(null as {{ dbt.type_string() }}) as currency_code,
    cast(null as {{ revops_number_type('number') }}) as conversion_rate,
    cast(null as {{ revops_number_type('integer') }}) as decimal_places,
    cast(null as boolean) as is_active,
    cast(null as boolean) as is_corporate
where 1 = 0
