with opportunity_rows as (
    select * from {{ ref('base_salesforce__opportunity_rows') }}
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
    from opportunity_rows
    where row_status = 'staged'
)

select * from staged
