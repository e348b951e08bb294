{#- A change saved before the deal's creation is moved to the creation moment and flagged
    (is_before_creation, macro not_before_creation). -#}

with field_history_rows as (
    select * from {{ ref('stg_salesforce__opportunity_field_history_rows') }}
),

opportunities as (
    select
        opportunity_id,
        created_at
    from {{ ref('stg_salesforce__opportunities') }}
),

staged as (
    select
        field_history_rows.id as field_history_id,
        field_history_rows.opportunity_id,
        field_history_rows.created_by_id as changed_by_user_id,
        {{ not_before_creation('field_history_rows.created_date', 'opportunities.created_at') }} as changed_at,
        field_history_rows.created_date as recorded_changed_at,
        {{ changed_before_creation('field_history_rows.created_date', 'opportunities.created_at') }}
            as is_before_creation,
        field_history_rows.field as field_name,
        field_history_rows.old_value,
        field_history_rows.new_value
    from field_history_rows
    left join opportunities
        on field_history_rows.opportunity_id = opportunities.opportunity_id
    where field_history_rows.row_status = 'staged'
)

select * from staged
