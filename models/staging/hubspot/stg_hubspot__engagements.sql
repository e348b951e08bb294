{{ config(materialized='table') }}

{#- One row per staged CALL, EMAIL, TASK or MEETING engagement with its details: each value
    from the per-type table (engagement_call / _email / _meeting / _task, v3-API connectors),
    else the parent engagement's (v1 connectors); the status is a call's, an email's or a
    task's (a task's: NOT_STARTED ... COMPLETED). What it is about: one engagement may be associated
    with several deals, contacts and companies, where Salesforce has one WhatId, WhoId and
    AccountId; the one taken is, for deals, a staged deal (of the pipeline reported on) before
    any other, then the lowest id; for contacts and companies the lowest id; without a
    company, the chosen deal's. How many there were is kept (*_association_count). -#}

with engagement_rows as (
    select * from {{ ref('base_hubspot__engagement_rows') }}
    where row_status = 'staged'
),

call_rows as (
    select * from {{ ref('base_hubspot__engagement_call_rows') }}
    where row_status = 'staged'
),

email_rows as (
    select * from {{ ref('base_hubspot__engagement_email_rows') }}
    where row_status = 'staged'
),

meeting_rows as (
    select * from {{ ref('base_hubspot__engagement_meeting_rows') }}
    where row_status = 'staged'
),

task_rows as (
    select * from {{ ref('base_hubspot__engagement_task_rows') }}
    where row_status = 'staged'
),

deal_links as (
    select * from {{ ref('base_hubspot__engagement_deal_rows') }}
    where row_status = 'staged'
),

contact_links as (
    select * from {{ ref('base_hubspot__engagement_contact_rows') }}
    where row_status = 'staged'
),

company_links as (
    select * from {{ ref('base_hubspot__engagement_company_rows') }}
    where row_status = 'staged'
),

opportunities as (
    select
        opportunity_id,
        account_id
    from {{ ref('stg_hubspot__opportunities') }}
),

ranked_deals as (
    select
        deal_links.engagement_id,
        deal_links.deal_id,
        count(*) over (partition by deal_links.engagement_id) as association_count,
        row_number() over (
            partition by deal_links.engagement_id
            order by
                case when opportunities.opportunity_id is not null then 0 else 1 end,
                length(deal_links.deal_id),
                deal_links.deal_id
        ) as association_rank
    from deal_links
    left join opportunities
        on deal_links.deal_id = opportunities.opportunity_id
),

ranked_contacts as (
    select
        engagement_id,
        contact_id,
        count(*) over (partition by engagement_id) as association_count,
        row_number() over (
            partition by engagement_id
            order by length(contact_id), contact_id
        ) as association_rank
    from contact_links
),

ranked_companies as (
    select
        engagement_id,
        company_id,
        count(*) over (partition by engagement_id) as association_count,
        row_number() over (
            partition by engagement_id
            order by length(company_id), company_id
        ) as association_rank
    from company_links
),

details as (
    select
        engagement_rows.id as engagement_id,
        call_rows.property_hs_call_duration as call_duration_milliseconds,
        meeting_rows.property_hs_meeting_start_time as meeting_started_at,
        meeting_rows.property_hs_meeting_end_time as meeting_ended_at,
        upper(engagement_rows.type) as engagement_type,
        coalesce(
            call_rows.property_hubspot_owner_id,
            email_rows.property_hubspot_owner_id,
            meeting_rows.property_hubspot_owner_id,
            task_rows.property_hubspot_owner_id,
            engagement_rows.owner_id
        ) as owner_id,
        coalesce(
            call_rows.property_hs_timestamp,
            email_rows.property_hs_timestamp,
            meeting_rows.property_hs_timestamp,
            task_rows.property_hs_timestamp,
            engagement_rows.timestamp
        ) as happened_at,
        coalesce(
            call_rows.property_hs_createdate,
            email_rows.property_hs_createdate,
            meeting_rows.property_hs_createdate,
            task_rows.property_hs_createdate,
            engagement_rows.created_at
        ) as created_at,
        coalesce(
            call_rows.property_hs_call_title,
            email_rows.property_hs_email_subject,
            meeting_rows.property_hs_meeting_title,
            task_rows.property_hs_task_subject
        )
            as subject,
        coalesce(
            call_rows.property_hs_call_status,
            email_rows.property_hs_email_status,
            task_rows.property_hs_task_status
        ) as status
    from engagement_rows
    left join call_rows
        on engagement_rows.id = call_rows.engagement_id
    left join email_rows
        on engagement_rows.id = email_rows.engagement_id
    left join meeting_rows
        on engagement_rows.id = meeting_rows.engagement_id
    left join task_rows
        on engagement_rows.id = task_rows.engagement_id
    where upper(engagement_rows.type) in ('CALL', 'EMAIL', 'TASK', 'MEETING')
),

associated as (
    select
        details.*,
        ranked_deals.deal_id,
        ranked_contacts.contact_id,
        coalesce(ranked_companies.company_id, opportunities.account_id) as company_id,
        coalesce(ranked_deals.association_count, 0) as deal_association_count,
        coalesce(ranked_contacts.association_count, 0) as contact_association_count,
        coalesce(ranked_companies.association_count, 0) as company_association_count
    from details
    left join ranked_deals
        on
            details.engagement_id = ranked_deals.engagement_id
            and ranked_deals.association_rank = 1
    left join ranked_contacts
        on
            details.engagement_id = ranked_contacts.engagement_id
            and ranked_contacts.association_rank = 1
    left join ranked_companies
        on
            details.engagement_id = ranked_companies.engagement_id
            and ranked_companies.association_rank = 1
    left join opportunities
        on ranked_deals.deal_id = opportunities.opportunity_id
)

select * from associated
