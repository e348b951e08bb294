with history_rows as (
    select * from {{ ref('stg_salesforce__opportunity_history_rows') }}
),

staged as (
    select
        id as opportunity_history_id,
        opportunity_id,
        created_by_id as changed_by_user_id,
        created_date as changed_at,
        funnel_stage_name as stage_name,
        stage_name as recorded_stage_name,
        amount,
        close_date,
        forecast_category,
        probability / 100.0 as probability_rate
    from history_rows
    where row_status = 'staged'
)

select * from staged
