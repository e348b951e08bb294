with opportunity_rows as (
    select * from {{ ref('base_salesforce__opportunity_rows') }}
),

funnel as (
    select * from {{ ref('stg_salesforce__stage_funnel') }}
),

{{ stage_lookup_ctes('funnel') }},

-- the stage as the funnel spells it (the funnel reads the base rows, so the lookup is here)
looked_up as (
    select
        opportunity_rows.*,
        stage_lookup.stage_name as funnel_stage_name
    from opportunity_rows
    left join stage_lookup
        on {{ stage_key('opportunity_rows.stage_name') }} = stage_lookup.lookup_key
    where opportunity_rows.row_status = 'staged'
),

staged as (
    select
        id as opportunity_id,
        {%- for column in opportunity_pass_through_columns() %}
        {{ column.alias }},
        {%- endfor %}
        account_id,
        owner_id,
        name as opportunity_name,
        funnel_stage_name as stage_name,
        amount,
        coalesce(currency_iso_code, {{ corporate_currency() }}) as currency_code,
        close_date,
        created_date as created_at,
        is_closed,
        is_won,
        forecast_category_name as forecast_category,
        type as opportunity_type,
        lead_source,
        probability / 100.0 as probability_rate,
        loss_reason
    from looked_up
)

select * from staged
