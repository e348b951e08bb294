{#- One row per interaction that happened by the as-of time (tasks and events), with its
    deal, lead and account, and for interactions on an open deal the deal's win probability
    just before the interaction and at the end of its interval, when and why that interval
    ended, and the interaction's value (see int_interactions_scored). No subjects: ids only. -#}

with interactions as (
    select * from {{ ref('int_interactions_unified') }}
),

scored as (
    select * from {{ ref('int_interactions_scored') }}
),

final as (
    select
        interactions.interaction_id,
        interactions.source_object,
        interactions.interaction_type,
        interactions.occurred_at,
        {{ to_reporting_date('interactions.occurred_at') }} as occurred_date,
        interactions.owner_id,
        interactions.opportunity_id,
        interactions.opportunity_attribution,
        interactions.lead_id,
        interactions.contact_id,
        interactions.account_id,
        interactions.call_duration_seconds,
        interactions.days_since_previous_deal_interaction,
        interactions.days_to_next_deal_interaction,
        interactions.days_since_previous_account_interaction,
        scored.interval_ended_at,
        scored.interval_end_reason,
        scored.probability_before,
        scored.probability_after,
        scored.probability_delta,
        scored.interaction_value_amount,
        scored.probability_method
    from interactions
    left join scored
        on interactions.interaction_id = scored.interaction_id
)

{{ select_contract_columns('final') }}
