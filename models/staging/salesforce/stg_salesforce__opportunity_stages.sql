with stage_rows as (
    select * from {{ ref('base_salesforce__opportunity_stage_rows') }}
),

staged as (
    select
        master_label as stage_label,
        sort_order,
        is_closed,
        is_won,
        forecast_category_name as forecast_category,
        coalesce(api_name, master_label) as stage_name,
        coalesce(is_active, true) as is_active,
        default_probability / 100.0 as default_probability_rate
    from stage_rows
    where row_status = 'staged'
)

select * from staged
