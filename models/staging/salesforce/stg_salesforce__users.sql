with user_rows as (
    select * from {{ ref('stg_salesforce__user_rows') }}
),

automation_users as (
    select user_id from {{ ref('automation_users') }}
    {%- for user_id in var('automation_user_ids') %}
    union all
    select '{{ user_id }}' as user_id
    {%- endfor %}
),

automation_user_ids as (
    select distinct {{ salesforce_id18('trim(user_id)') }} as user_id
    from automation_users
    where user_id is not null
),

staged as (
    select
        user_rows.id as user_id,
        user_rows.name as user_name,
        user_rows.is_active,
        user_rows.user_type,
        user_rows.manager_id,
        user_rows.user_role_id,
        user_rows.title,
        (
            automation_user_ids.user_id is not null
            {%- if var('automation_user_types') | length > 0 %}
                or coalesce(user_rows.user_type in (
                    {%- for user_type in var('automation_user_types') -%}
                        '{{ user_type }}'{{ ', ' if not loop.last }}
                    {%- endfor -%}
                ), false)
            {%- endif %}
        ) as is_automation_user
    from user_rows
    left join automation_user_ids
        on user_rows.id = automation_user_ids.user_id
    where user_rows.row_status = 'staged'
)

select * from staged
