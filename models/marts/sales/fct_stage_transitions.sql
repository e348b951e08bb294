{#- One row per stage transition of an opportunity (see int_stage_transitions): the event
    table behind stage conversion, skips and the data-quality marts. -#}

with transitions as (
    select * from {{ ref('int_stage_transitions') }}
),

final as (
    select
        opportunity_id,
        transition_number,
        opportunity_history_id,
        from_stage_name,
        to_stage_name,
        from_stage_order,
        to_stage_order,
        changed_at,
        {{ to_reporting_date('changed_at') }} as changed_date,
        changed_by_user_id,
        change_source,
        transition_type,
        skipped_stage_count,
        skipped_stage_names,
        is_manual_skip,
        is_batch_logged,
        is_unsupported_progression,
        is_inferred_from_deal
    from transitions
)

{{ select_contract_columns('final') }}
