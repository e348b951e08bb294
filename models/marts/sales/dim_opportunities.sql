{#- One row per opportunity that exists at the as-of time, with its outcome: stage and
    forecast category then, final close (closed_at, from the stage history; outcome_date, the
    date its outcome counts on; is_back_dated_close), owners at creation, at close and now,
    amounts in the corporate currency and in the deal's own, sales cycle, loss reason, and the
    fiscal periods it was created and closed in (the closed one from outcome_date). -#}

with outcomes as (
    select * from {{ ref('int_opportunity_outcomes') }}
),

final as (
    select
        opportunity_id,
        account_id,
        {{ mask_contact_details('opportunity_name') }} as opportunity_name,
        opportunity_type,
        lead_source,
        stage_name,
        stage_order,
        forecast_category,
        probability_rate,
        is_closed,
        is_won,
        is_lost,
        is_renewal,
        created_at,
        created_date,
        closed_at,
        closed_date,
        outcome_date,
        is_back_dated_close,
        close_date as expected_close_date,
        owner_at_creation_id,
        owner_at_close_id,
        current_owner_id,
        amount,
        amount_in_deal_currency,
        currency_code,
        is_missing_conversion_rate,
        sales_cycle_days,
        {{ mask_contact_details('loss_reason') }} as loss_reason,
        {{ fiscal_period_start('created_date', 'quarter') }} as created_fiscal_quarter_start,
        {{ fiscal_period_start('outcome_date', 'quarter') }} as closed_fiscal_quarter_start
    from outcomes
)

{{ select_contract_columns('final') }}
