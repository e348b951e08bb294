{#- The export clock of a CRM's export (stg_salesforce__export_clock, stg_hubspot__export_clock):
    the CTEs object_stamps ... with_tolerance over a stamps model (one row per table or object:
    latest_system_stamp_at, latest_record_creation_at). The clock is the latest system stamp, or
    the latest record creation when later; future_timestamp_after is the clock plus
    future_timestamp_tolerance_hours when the export has system stamps, else plus
    future_timestamp_unstamped_tolerance_days. Use inside a `with`; the model selects from
    with_tolerance. -#}
{% macro export_clock_ctes(stamps_relation) -%}
object_stamps as (
    select * from {{ stamps_relation }}
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
{%- endmacro %}
