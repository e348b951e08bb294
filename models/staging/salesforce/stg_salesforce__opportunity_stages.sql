with stage_rows as (
    select * from {{ ref('stg_salesforce__opportunity_stage_rows') }}
),

staged as (
    select
        coalesce(api_name, master_label) as stage_name,
        master_label as stage_label,
        sort_order,
        coalesce(is_active, true) as is_active,
        is_closed,
        is_won,
        default_probability / 100.0 as default_probability_rate,
        forecast_category_name as forecast_category
    from stage_rows
    where row_status = 'staged'
)

select * from staged
