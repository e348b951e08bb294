{{ config(materialized='table') }}

{#- One row: the "now" of every computation. The var as_of when set, else the latest of the
    export clock (stg_salesforce__export_clock: system stamps, record creations) and the
    business timestamps and creations of the staged rows (stage and field changes, task
    completions, records created): a
    business timestamp later than the clock plus the tolerance is quarantined
    (future_timestamp) and never reaches this model, so one bad timestamp cannot move "now".
    Scheduled times (event start/end, task due dates, close dates) are left out: a meeting
    booked for next month must not move "now" into the future. Lead conversion dates are
    dates, not moments: checked against the clock, not candidates. -#}

with export_clock as (
    select
        export_clock,
        export_clock_source
    from {{ ref('stg_salesforce__export_clock') }}
),

business_times as (
    select max(changed_at) as happened_at from {{ ref('stg_salesforce__opportunity_history') }}
    union all
    select max(changed_at) as happened_at from {{ ref('stg_salesforce__opportunity_field_history') }}
    union all
    select max(completed_at) as happened_at from {{ ref('stg_salesforce__tasks') }}
),

-- creations too: one the clock left out as a lone outlier, but within its tolerance, is real
creation_times as (
    select max(created_at) as created_at from {{ ref('stg_salesforce__opportunities') }}
    union all
    select max(created_at) as created_at from {{ ref('stg_salesforce__accounts') }}
    union all
    select max(created_at) as created_at from {{ ref('stg_salesforce__leads') }}
    union all
    select max(created_at) as created_at from {{ ref('stg_salesforce__tasks') }}
    union all
    select max(created_at) as created_at from {{ ref('stg_salesforce__events') }}
),

candidates as (
    select
        export_clock as candidate_at,
        export_clock_source as candidate_source,
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
        -- an as_of that is not an ISO timestamp gives null here and fails the not_null test
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
