{#- One row per opportunity per funnel stage: first entry and whether it was skipped (see
    int_stage_entries). -#}

with entries as (
    select * from {{ ref('int_stage_entries') }}
),

final as (
    select
        opportunity_id,
        stage_name,
        stage_order,
        first_entered_at,
        {{ to_reporting_date('first_entered_at') }} as first_entered_date,
        is_skipped
    from entries
)

{{ select_contract_columns('final') }}
