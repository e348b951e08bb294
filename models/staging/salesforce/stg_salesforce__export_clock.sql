{{ config(materialized='table') }}

{#- One row: the export clock, the latest moment the export shows Salesforce's own clock
    reaching: the latest system stamp (LastModifiedDate, SystemModstamp) of any row, or the
    latest CreatedDate of a record object when later (an export without system stamps has
    only those). Business timestamps (history changes, task completions, lead conversions)
    are not part of it: they are checked against it. future_timestamp_after = the clock plus
    a tolerance; a business timestamp after it quarantines its row as future_timestamp. With
    system stamps in the export the tolerance is future_timestamp_tolerance_hours (the
    objects of one export are not taken at the same second); without any, the clock is only
    the latest creation, which stage changes and completions legitimately follow by days or
    weeks, and the tolerance is future_timestamp_unstamped_tolerance_days. Independent of the
    var as_of. -#}

with object_stamps as (
    select * from {{ ref('stg_salesforce__export_stamps') }}
),

clock_candidates as (
    select
        latest_system_stamp_at as stamp_at,
        'system_stamp' as stamp_kind
    from object_stamps
    union all
    select
        latest_record_creation_at as stamp_at,
        'record_creation' as stamp_kind
    from object_stamps
),

latest_candidate as (
    select
        stamp_at,
        stamp_kind,
        -- on a tie the system stamp names the source
        row_number() over (order by stamp_at desc, stamp_kind desc) as candidate_rank
    from clock_candidates
    where stamp_at is not null
),

export_clock as (
    select
        max(latest_candidate.stamp_at) as export_clock,
        max(latest_candidate.stamp_kind) as export_clock_source,
        max(case when clock_candidates.stamp_kind = 'system_stamp' then 1 else 0 end) = 1 as has_system_stamps
    from clock_candidates
    left join latest_candidate
        on latest_candidate.candidate_rank = 1
    where clock_candidates.stamp_at is not null
),

with_tolerance as (
    select
        export_clock,
        export_clock_source,
        has_system_stamps,
        case
            when has_system_stamps
                then {{ dbt.dateadd('hour', var('future_timestamp_tolerance_hours'), 'export_clock') }}
            else {{ dbt.dateadd('day', var('future_timestamp_unstamped_tolerance_days'), 'export_clock') }}
        end as future_timestamp_after
    from export_clock
)

select * from with_tolerance
