{#- A change saved before the deal's creation is moved to the creation moment and flagged
    (is_before_creation, macro not_before_creation). Salesforce saves an owner change twice,
    once with the users' ids and once with their names: the id row is the owner change
    (field_name Owner, values in the 18-character form), the name row is staged as OwnerName. -#}

with field_history_rows as (
    select * from {{ ref('base_salesforce__opportunity_field_history_rows') }}
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
        case
            when not lower(field_history_rows.field) in ('owner', 'ownerid') then field_history_rows.field
            when {{ salesforce_id18('field_history_rows.new_value') }} like '005%' then 'Owner'
            else 'OwnerName'
        end as field_name,
        case
            when
                lower(field_history_rows.field) in ('owner', 'ownerid')
                and {{ salesforce_id18('field_history_rows.new_value') }} like '005%'
                then {{ salesforce_id18('field_history_rows.old_value') }}
            else field_history_rows.old_value
        end as old_value,
        case
            when
                lower(field_history_rows.field) in ('owner', 'ownerid')
                and {{ salesforce_id18('field_history_rows.new_value') }} like '005%'
                then {{ salesforce_id18('field_history_rows.new_value') }}
            else field_history_rows.new_value
        end as new_value
    from field_history_rows
    left join opportunities
        on field_history_rows.opportunity_id = opportunities.opportunity_id
    where field_history_rows.row_status = 'staged'
)

select * from staged
