with event_rows as (
    select * from {{ ref('stg_salesforce__event_rows') }}
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
        start_date_time as started_at,
        end_date_time as ended_at,
        created_date as created_at
    from event_rows
    where row_status = 'staged'
)

select * from staged
