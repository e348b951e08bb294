{#- One row per opportunity per stage visit (see int_stage_visits). -#}

with visits as (
    select * from {{ ref('int_stage_visits') }}
),

final as (
    select
        opportunity_id,
        stage_name,
        stage_order,
        visit_number,
        entered_at,
        exited_at,
        {{ to_reporting_date('exited_at') }} as exited_date,
        days_in_stage,
        is_current_visit
    from visits
)

{{ select_contract_columns('final') }}
