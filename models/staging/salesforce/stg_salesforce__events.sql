{#- StartDateTime and EndDateTime are derived when the export lacks them (or leaves them
    blank): the start is ActivityDateTime, or for an all-day event (a day, no time) the
    midnight that starts ActivityDate in the reporting time zone, so the event falls on its
    day in every period; the end is the start plus DurationInMinutes. -#}

with event_rows as (
    select * from {{ ref('base_salesforce__event_rows') }}
),

timed as (
    select
        *,
        coalesce(
            start_date_time,
            activity_date_time,
            {{ reporting_midnight_utc('activity_date') }}
        ) as derived_started_at
    from event_rows
    where row_status = 'staged'
),

staged as (
    select
        id as event_id,
        who_id,
        what_id,
        account_id,
        owner_id,
        subject,
        type as event_type,
        event_subtype,
        derived_started_at as started_at,
        coalesce(
            end_date_time,
            {{ dbt.dateadd('minute', 'duration_in_minutes', 'derived_started_at') }}
        ) as ended_at,
        created_date as created_at
    from timed
)

select * from staged
