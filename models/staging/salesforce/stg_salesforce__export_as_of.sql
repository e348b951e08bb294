{{ config(materialized='table') }}

{#- One row: the "now" of every computation. The var as_of when set, else the latest
    timestamp at which the export recorded something happening (creations, stage and field
    changes, completed tasks). Scheduled times (event start/end, task due dates) are left
    out: a meeting booked for next month must not move "now" into the future. -#}

with recorded_times as (
    select max(created_at) as recorded_at from {{ ref('stg_salesforce__opportunities') }}
    union all
    select max(changed_at) as recorded_at from {{ ref('stg_salesforce__opportunity_history') }}
    union all
    select max(changed_at) as recorded_at from {{ ref('stg_salesforce__opportunity_field_history') }}
    union all
    select max(created_at) as recorded_at from {{ ref('stg_salesforce__accounts') }}
    union all
    select max(created_at) as recorded_at from {{ ref('stg_salesforce__tasks') }}
    union all
    select max(completed_at) as recorded_at from {{ ref('stg_salesforce__tasks') }}
    union all
    select max(created_at) as recorded_at from {{ ref('stg_salesforce__events') }}
    union all
    select max(created_at) as recorded_at from {{ ref('stg_salesforce__leads') }}
),

resolved as (
    select
        {%- if var('as_of') is not none %}
        -- an as_of that is not an ISO timestamp gives null here and fails the not_null test
        max({{ parse_timestamp_utc("'" ~ var('as_of') ~ "'") }}) as as_of,
        'var' as as_of_source
        {%- else %}
            'export' as as_of_source,
            max(recorded_at) as as_of
        {%- endif %}
    from recorded_times
)

select * from resolved
