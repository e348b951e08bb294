{#- A change saved before the deal's creation is moved to the creation moment and flagged
    (is_before_creation, macro not_before_creation). The change source is the saving user's:
    automated for an automation user (stg_salesforce__users.is_automation_user), else manual
    (Salesforce records no import source on history rows). -#}

with history_rows as (
    select * from {{ ref('base_salesforce__opportunity_history_rows') }}
),

opportunities as (
    select
        opportunity_id,
        created_at
    from {{ ref('stg_salesforce__opportunities') }}
),

automation_users as (
    select user_id
    from {{ ref('stg_salesforce__users') }}
    where is_automation_user
),

funnel as (
    select * from {{ ref('stg_salesforce__stage_funnel') }}
),

{{ stage_lookup_ctes('funnel') }},

staged as (
    select
        history_rows.id as opportunity_history_id,
        history_rows.opportunity_id,
        history_rows.created_by_id as changed_by_user_id,
        {{ not_before_creation('history_rows.created_date', 'opportunities.created_at') }} as changed_at,
        history_rows.created_date as recorded_changed_at,
        {{ changed_before_creation('history_rows.created_date', 'opportunities.created_at') }} as is_before_creation,
        stage_lookup.stage_name,
        history_rows.stage_name as recorded_stage_name,
        history_rows.amount,
        history_rows.close_date,
        history_rows.forecast_category,
        history_rows.probability / 100.0 as probability_rate,
        case when automation_users.user_id is not null then 'automated' else 'manual' end as change_source
    from history_rows
    left join opportunities
        on history_rows.opportunity_id = opportunities.opportunity_id
    left join automation_users
        on history_rows.created_by_id = automation_users.user_id
    left join stage_lookup
        on {{ stage_key('history_rows.stage_name') }} = stage_lookup.lookup_key
    where history_rows.row_status = 'staged'
)

select * from staged
