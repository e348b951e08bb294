{#- One row per lead created by the as-of time: owner (or the queue holding it), creation and
    first response (see int_lead_first_responses). -#}

with responses as (
    select * from {{ ref('int_lead_first_responses') }}
),

final as (
    select
        lead_id,
        owner_id,
        queue_id,
        created_at,
        {{ to_reporting_date('created_at') }} as created_date,
        lead_source,
        first_response_at,
        first_response_minutes,
        is_untouched
    from responses
)

{{ select_contract_columns('final') }}
