{#- One row per meeting (int_meetings): booked on its creation date, scheduled on its start
    date, for the user who owns it (as rpt_kpi_tier3_levers counts meetings). -#}

with meetings as (
    select * from {{ ref('int_meetings') }}
),

meeting_rows as (
    select
        meeting_id,
        owner_id,
        booked_date,
        started_date,
        is_held,
        is_initial
    from meetings
)

select * from meeting_rows
