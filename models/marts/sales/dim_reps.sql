{#- One row per rep (see int_reps_identified): the people deals, quotas and leads belong to,
    with their team. -#}

with reps as (
    select * from {{ ref('int_reps_identified') }}
),

final as (
    select
        rep_id,
        rep_name,
        team_id,
        team_name,
        is_active,
        is_quota_carrying,
        is_automation_user,
        title
    from reps
)

{{ select_contract_columns('final') }}
