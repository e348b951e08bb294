-- Which export rows could not be loaded, and what should the CRM admin do about
-- them? One row per object and reason, with the keys to look up (first 20) and the fix.
with quarantined as (
    select * from {{ ref('stg_crm__quarantine') }}
),

reasons as (
    select * from {{ ref('quarantine_reasons') }}
),

grouped as (
    select
        quarantined.object_name,
        quarantined.quarantine_reason,
        count(*) as row_count,
        min(quarantined.raw_row_number) as first_row_number
    from quarantined
    group by quarantined.object_name, quarantined.quarantine_reason
),

explained as (
    select
        grouped.object_name,
        grouped.quarantine_reason,
        grouped.row_count,
        grouped.first_row_number,
        reasons.description,
        reasons.what_to_do
    from grouped
    left join reasons
        on grouped.quarantine_reason = reasons.quarantine_reason
)

select * from explained
order by row_count desc, object_name asc, quarantine_reason asc
