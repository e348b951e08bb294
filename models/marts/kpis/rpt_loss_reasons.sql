{#- Loss reasons: one row per grain, grain id, fiscal period and loss reason that occurred:
    deals lost in the period (for their owner at close) and their amount; a blank reason is
    'unknown'. Only reasons that occurred in the period have rows. -#}

with lost_deals as (
    select * from {{ ref('int_opportunity_outcomes') }}
    where is_lost
),

grain_names as (
    select * from {{ ref('int_grain_names') }}
),

rep_grain_memberships as (
    select * from {{ ref('int_rep_grain_memberships') }}
),

lost_attributed as (
    {{ attribute_to_grains_and_periods(
        'lost_deals', 'owner_at_close_id', 'outcome_date', 'rep_grain_memberships', 'rep_id'
    ) }}
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
),

named_reasons as (
    select
        reasons.*,
        grain_names.grain_name
    from reasons
    left join grain_names
        on reasons.grain = grain_names.grain and reasons.grain_id = grain_names.grain_id
)

{{ select_contract_columns('named_reasons') }}
