{#- One row per opportunity that exists at the as-of time, with its outcome: stage and
    forecast category then, final close (closed_at, from the stage history; outcome_date, the
    date its outcome counts on; is_back_dated_close), owners at creation, at close and now,
    amounts in the corporate currency and in the deal's own, sales cycle, loss reason, and the
    fiscal periods it was created and closed in (the closed one from outcome_date).
    Then the custom fields of var revops_opportunity_pass_through_columns, as the staged
    Opportunity row holds them (opportunity_pass_through_columns): the YAML contract cannot
    name columns a user chooses, so it is enforced only while that var is empty (the contract's
    columns are still cast to their declared types). -#}
{%- set pass_through = opportunity_pass_through_columns() %}
{{ config(contract={'enforced': pass_through | length == 0}) }}

with outcomes as (
    select * from {{ ref('int_opportunity_outcomes') }}
),

opportunities as (
    select * from {{ ref('stg_crm__opportunities') }}
),

final as (
    select
        outcomes.opportunity_id,
        {%- for column in pass_through %}
        opportunities.{{ column.alias }},
        {%- endfor %}
        outcomes.account_id,
        {{ mask_contact_details('outcomes.opportunity_name') }} as opportunity_name,
        outcomes.opportunity_type,
        outcomes.lead_source,
        outcomes.stage_name,
        outcomes.stage_order,
        outcomes.forecast_category,
        outcomes.probability_rate,
        outcomes.is_closed,
        outcomes.is_won,
        outcomes.is_lost,
        outcomes.is_renewal,
        outcomes.created_at,
        outcomes.created_date,
        outcomes.closed_at,
        outcomes.closed_date,
        outcomes.outcome_date,
        outcomes.is_back_dated_close,
        outcomes.close_date as expected_close_date,
        outcomes.owner_at_creation_id,
        outcomes.owner_at_close_id,
        outcomes.current_owner_id,
        outcomes.amount,
        outcomes.amount_in_deal_currency,
        outcomes.currency_code,
        outcomes.is_missing_conversion_rate,
        outcomes.sales_cycle_days,
        {{ mask_contact_details('outcomes.loss_reason') }} as loss_reason,
        {{ fiscal_period_start('outcomes.created_date', 'quarter') }} as created_fiscal_quarter_start,
        {{ fiscal_period_start('outcomes.outcome_date', 'quarter') }} as closed_fiscal_quarter_start
    from outcomes
    -- read only for the pass-through columns (none by default)
    left join opportunities  -- noqa: ST11
        on outcomes.opportunity_id = opportunities.opportunity_id
)

{{ select_contract_columns('final', pass_through | map(attribute='alias') | list) }}
