{#- One row per lead created by the as-of time (int_lead_conversions), for its owner, on its
    creation date: whether it became an opportunity within the window (as
    rpt_kpi_tier3_levers counts conversions). -#}

with lead_conversions as (
    select * from {{ ref('int_lead_conversions') }}
),

lead_conversion_rows as (
    select
        lead_id,
        owner_id,
        created_date,
        is_untouched,
        is_converted_in_window,
        days_to_convert
    from lead_conversions
    where created_date is not null
)

select * from lead_conversion_rows
