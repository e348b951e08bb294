{{ config(materialized='table') }}

{#- One row: the "now" of every computation, shaped as every CRM's (stg_crm__export_as_of).
    The var as_of when set; else the latest of the export clock (the latest _fivetran_synced
    of the deal, stage, property-history, engagement, company, contact and owner rows: when
    Fivetran last loaded the export, as_of_derived_from system_stamp), the business timestamps
    of the staged rows (stage and property changes, call and email times) and their record
    creations. Scheduled times (close dates, meeting starts) are left out. -#}

{%- set synced_tables = ['deal', 'deal_stage', 'deal_property_history', 'engagement', 'company', 'contact', 'owner'] %}

with sync_times as (
    {%- for table_name in synced_tables %}
        select max(_fivetran_synced) as synced_at
        from {{ ref('base_hubspot__' ~ table_name ~ '_rows') }}
        where row_status = 'staged'
        {{- '\n    union all' if not loop.last }}
    {%- endfor %}
),

export_clock as (
    select max(synced_at) as export_clock
    from sync_times
),

business_times as (
    select max(changed_at) as happened_at from {{ ref('stg_hubspot__opportunity_history') }}
    union all
    select max(changed_at) as happened_at from {{ ref('stg_hubspot__opportunity_field_history') }}
    union all
    select max(completed_at) as happened_at from {{ ref('stg_hubspot__tasks') }}
),

creation_times as (
    select max(created_at) as created_at from {{ ref('stg_hubspot__opportunities') }}
    union all
    select max(created_at) as created_at from {{ ref('stg_hubspot__accounts') }}
    union all
    select max(created_at) as created_at from {{ ref('stg_hubspot__leads') }}
    union all
    select max(created_at) as created_at from {{ ref('stg_hubspot__tasks') }}
    union all
    select max(created_at) as created_at from {{ ref('stg_hubspot__events') }}
),

candidates as (
    select
        export_clock as candidate_at,
        'system_stamp' as candidate_source,
        1 as source_priority
    from export_clock
    union all
    select
        max(happened_at) as candidate_at,
        'business_timestamp' as candidate_source,
        2 as source_priority
    from business_times
    union all
    select
        max(created_at) as candidate_at,
        'record_creation' as candidate_source,
        3 as source_priority
    from creation_times
),

latest_candidate as (
    select
        candidate_at,
        candidate_source,
        -- on a tie the clock names the source
        row_number() over (order by candidate_at desc, source_priority asc) as candidate_rank
    from candidates
    where candidate_at is not null
),

export_time as (
    select
        max(export_clock.export_clock) as export_clock,
        max(latest_candidate.candidate_at) as export_as_of,
        max(latest_candidate.candidate_source) as export_as_of_source
    from export_clock
    left join latest_candidate
        on latest_candidate.candidate_rank = 1
),

resolved as (
    select
        {%- if var('as_of') is not none %}
        {{ parse_timestamp_utc("'" ~ var('as_of') ~ "'") }} as as_of,
        'var' as as_of_source,
        'var' as as_of_derived_from,
        {%- else %}
            export_as_of as as_of,
            'export' as as_of_source,
            export_as_of_source as as_of_derived_from,
        {%- endif %}
        export_clock
    from export_time
)

select * from resolved
