{{ config(materialized='table') }}

{#- One row per staged deal (of the pipeline reported on) in its current state, shaped as
    every CRM's opportunities (stg_crm__opportunities). stage_name is the stage's label
    (deal_pipeline_stage, via stg_hubspot__stage_funnel), never its id; closed and won are
    the stage's. close_date: HubSpot stores a picked date as midnight in the portal's time
    zone, so the timestamp is cast to a date in var hubspot_portal_time_zone. The account is
    the deal's primary company (association type 5), else its lowest company id. -#}

with deal_rows as (
    select * from {{ ref('base_hubspot__deal_rows') }}
),

funnel as (
    select * from {{ ref('stg_hubspot__stage_funnel') }}
),

deal_company_rows as (
    select * from {{ ref('base_hubspot__deal_company_rows') }}
),

ranked_companies as (
    select
        deal_id,
        company_id,
        row_number() over (
            partition by deal_id
            order by case when type_id = '5' then 0 else 1 end, length(company_id), company_id
        ) as company_rank
    from deal_company_rows
    where row_status = 'staged'
),

staged as (
    select
        deal_rows.deal_id as opportunity_id,
        {%- for column in opportunity_pass_through_columns() %}
        deal_rows.{{ column.alias }},
        {%- endfor %}
        ranked_companies.company_id as account_id,
        deal_rows.owner_id,
        deal_rows.property_dealname as opportunity_name,
        funnel.stage_name,
        deal_rows.property_amount as amount,
        coalesce(deal_rows.property_deal_currency_code, {{ corporate_currency() }}) as currency_code,
        {{ hubspot_close_date('deal_rows.property_closedate') }} as close_date,
        deal_rows.property_createdate as created_at,
        funnel.is_closed,
        funnel.is_won,
        coalesce(
            {{ hubspot_forecast_category_label('deal_rows.property_hs_manual_forecast_category') }},
            funnel.forecast_category
        ) as forecast_category,
        -- HubSpot lands a dropdown option's internal name: the two built-in options as their
        -- labels, and an option named as a renewal type (var renewal_opportunity_types, a
        -- label: lower case, no spaces, e.g. renewal, contractrenewal) as that type
        case lower(deal_rows.property_dealtype)
            when 'newbusiness' then 'New Business'
            when 'existingbusiness' then 'Existing Business'
            {%- for renewal_type in var('renewal_opportunity_types') %}
                when '{{ renewal_type | lower | replace(' ', '') }}' then '{{ renewal_type }}'
            {%- endfor %}
            else deal_rows.property_dealtype
        end as opportunity_type,
        -- the deal's original source, as a lead's (stg_hubspot__leads): HubSpot's value as landed
        deal_rows.property_hs_analytics_source as lead_source,
        coalesce(deal_rows.property_hs_deal_stage_probability, funnel.default_probability_rate) as probability_rate,
        deal_rows.property_closed_lost_reason as loss_reason,
        deal_rows.deal_pipeline_stage_id as stage_id
    from deal_rows
    inner join funnel
        on deal_rows.deal_pipeline_stage_id = funnel.stage_id
    left join ranked_companies
        on
            deal_rows.deal_id = ranked_companies.deal_id
            and ranked_companies.company_rank = 1
    where deal_rows.row_status = 'staged'
)

select * from staged
