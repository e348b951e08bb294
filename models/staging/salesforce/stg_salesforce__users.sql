with user_rows as (
    select * from {{ ref('base_salesforce__user_rows') }}
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
        {{ salesforce_user_name('user_rows.name', 'user_rows.first_name', 'user_rows.last_name') }} as user_name,
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
),

-- listed automation users the User export lacks (or an export without User at all): their
-- stage changes are still automated, not a person's
listed_only as (
    select
        automation_user_ids.user_id,
        cast(null as {{ dbt.type_string() }}) as user_name,
        cast(null as boolean) as is_active,
        cast(null as {{ dbt.type_string() }}) as user_type,
        cast(null as {{ dbt.type_string() }}) as manager_id,
        cast(null as {{ dbt.type_string() }}) as user_role_id,
        cast(null as {{ dbt.type_string() }}) as title,
        true as is_automation_user
    from automation_user_ids
    left join staged
        on automation_user_ids.user_id = staged.user_id
    where staged.user_id is null
),

unioned as (
    select * from staged
    union all
    select * from listed_only
),

-- a Salesforce team is a manager's direct reports: its id is the manager's user id and its
-- name the manager's; every user would lead the team of the users who report to them
users as (
    select
        unioned.*,
        unioned.manager_id as team_id,
        managers.user_name as team_name,
        unioned.user_id as led_team_id
    from unioned
    left join unioned as managers
        on unioned.manager_id = managers.user_id
)

select * from users
