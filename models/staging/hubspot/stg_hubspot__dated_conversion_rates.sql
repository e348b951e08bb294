{#- No dated rates from HubSpot: no rows, typed as every CRM's dated conversion rates
    (stg_crm__dated_conversion_rates). -#}

select
    cast(null as {{ dbt.type_string() }}) as currency_code,
    cast(null as {{ revops_number_type('number') }}) as conversion_rate,
    cast(null as date) as start_date,
    cast(null as date) as next_start_date
where 1 = 0
