with field_history_rows as (
    select * from {{ ref('stg_salesforce__opportunity_field_history_rows') }}
),

staged as (
    select
        id as field_history_id,
        opportunity_id,
        created_by_id as changed_by_user_id,
        created_date as changed_at,
        field as field_name,
        old_value,
        new_value
    from field_history_rows
    where row_status = 'staged'
)

select * from staged
