{#- One row per lead created by the as-of time (int_lead_first_responses: its owner, queue,
    creation and whether anyone touched it) and whether it became an opportunity within the
    var lead_conversion_window_days days of its creation.
    Converted to an opportunity: ConvertedOpportunityId is set; when no lead of the export
    carries one (the column is not exported), IsConverted. The conversion date is
    ConvertedDate, else the reporting date the converted opportunity was created on; a
    conversion dated after the as-of date has not happened yet. Days to convert are whole
    days from the lead's creation date (reporting time zone) to the conversion date, never
    negative. A conversion without any date counts as converted within the window, with no
    days. is_conversion_known is false when the export says nothing about conversion (no
    IsConverted and no ConvertedOpportunityId on any lead: HubSpot exports). -#}

with lead_responses as (
    select * from {{ ref('int_lead_first_responses') }}
),

leads as (
    select * from {{ ref('stg_crm__leads') }}
),

opportunities as (
    select
        opportunity_id,
        created_at
    from {{ ref('stg_crm__opportunities') }}
),

as_of as (
    select as_of from {{ ref('stg_crm__export_as_of') }}
),

export_conversion_fields as (
    select
        count(converted_opportunity_id) > 0 as has_converted_opportunity_ids,
        count(converted_opportunity_id) + count(is_converted) > 0 as is_conversion_known
    from leads
),

lead_conversion_dates as (
    select
        lead_responses.lead_id,
        lead_responses.owner_id,
        lead_responses.queue_id,
        lead_responses.created_at,
        {{ to_reporting_date('lead_responses.created_at') }} as created_date,
        lead_responses.is_untouched,
        leads.converted_opportunity_id,
        case
            when export_conversion_fields.has_converted_opportunity_ids
                then leads.converted_opportunity_id is not null
            else coalesce(leads.is_converted, false)
        end as is_converted_to_opportunity,
        coalesce(
            leads.converted_date,
            {{ to_reporting_date('opportunities.created_at') }}
        ) as converted_date,
        {{ to_reporting_date('as_of.as_of') }} as as_of_date,
        export_conversion_fields.is_conversion_known
    from lead_responses
    inner join leads
        on lead_responses.lead_id = leads.lead_id
    cross join export_conversion_fields
    cross join as_of
    left join opportunities
        on leads.converted_opportunity_id = opportunities.opportunity_id
),

lead_conversions as (
    select
        lead_id,
        owner_id,
        queue_id,
        created_at,
        created_date,
        is_untouched,
        converted_opportunity_id,
        case when is_converted_to_opportunity and converted_date <= as_of_date then converted_date end
            as converted_date,
        case
            when is_converted_to_opportunity and converted_date <= as_of_date
                then greatest({{ dbt.datediff('created_date', 'converted_date', 'day') }}, 0)
        end as days_to_convert,
        coalesce(
            is_converted_to_opportunity
            and (converted_date is null or converted_date <= as_of_date)
            and (
                converted_date is null
                or {{ dbt.datediff('created_date', 'converted_date', 'day') }}
                <= {{ var('lead_conversion_window_days') }}
            ),
            false
        ) as is_converted_in_window,
        is_conversion_known
    from lead_conversion_dates
)

select * from lead_conversions
