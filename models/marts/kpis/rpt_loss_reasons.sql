{#- Loss reasons: one row per grain, grain id, fiscal period and loss reason that occurred:
    deals lost in the period (for their owner at close) and their amount; a blank reason is
    'unknown'. Only reasons that occurred in the period have rows. -#}

with lost_deals as (
    select * from {{ ref('int_opportunity_outcomes') }}
    where is_lost
),

lost_attributed as (
    {{ attribute_to_grains_and_periods('lost_deals', 'owner_at_close_id', 'outcome_date') }}
),

lost_published as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        amount,
        {{ mask_contact_details('loss_reason') }} as loss_reason
    from lost_attributed
),

reasons as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        loss_reason,
        cast(sum(amount) as decimal(18, 2)) as lost_amount,
        count(*) as lost_count
    from lost_published
    group by grain, grain_id, period_grain, period_start, loss_reason
)

{{ select_contract_columns('reasons') }}
