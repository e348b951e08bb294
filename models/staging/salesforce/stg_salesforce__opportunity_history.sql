{#- A change saved before the deal's creation is moved to the creation moment and flagged
    (is_before_creation, macro not_before_creation). -#}

with history_rows as (
    select * from {{ ref('stg_salesforce__opportunity_history_rows') }}
),

opportunities as (
    select
        opportunity_id,
        created_at
    from {{ ref('stg_salesforce__opportunities') }}
),

staged as (
    select
        history_rows.id as opportunity_history_id,
        history_rows.opportunity_id,
        history_rows.created_by_id as changed_by_user_id,
        {{ not_before_creation('history_rows.created_date', 'opportunities.created_at') }} as changed_at,
        history_rows.created_date as recorded_changed_at,
        {{ changed_before_creation('history_rows.created_date', 'opportunities.created_at') }} as is_before_creation,
        history_rows.funnel_stage_name as stage_name,
        history_rows.stage_name as recorded_stage_name,
        history_rows.amount,
        history_rows.close_date,
        history_rows.forecast_category,
        history_rows.probability / 100.0 as probability_rate
    from history_rows
    left join opportunities
        on history_rows.opportunity_id = opportunities.opportunity_id
    where history_rows.row_status = 'staged'
)

select * from staged
