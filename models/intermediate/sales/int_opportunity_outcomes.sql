{#- One row per opportunity that exists at the as-of time: its state then (the last saved
    change), its final close (closed_at = when it entered its final closed stage, from the
    stage history; the deal's close date only when the history has no closing row), the
    owner at creation and at close, and its amount in the corporate currency (converted at
    the rate in force on the close date for closed deals, on the as-of date for open ones). -#}

with sequenced as (
    select * from {{ ref('int_opportunity_history_sequenced') }}
),

transitions as (
    select * from {{ ref('int_stage_transitions') }}
),

opportunities as (
    select * from {{ ref('stg_salesforce__opportunities') }}
),

owners as (
    select * from {{ ref('int_opportunity_owners_historized') }}
),

rates as (
    select * from {{ ref('int_currency_rates_dated') }}
),

as_of as (
    select as_of from {{ ref('stg_salesforce__export_as_of') }}
),

last_states as (
    select
        opportunity_id,
        stage_name,
        stage_order,
        is_closed_stage,
        is_won_stage,
        amount,
        close_date,
        forecast_category,
        probability_rate,
        row_number() over (partition by opportunity_id order by history_sequence desc) as recency
    from sequenced
),

last_transitions as (
    select
        opportunity_id,
        transition_type,
        changed_at,
        is_inferred_from_deal,
        row_number() over (partition by opportunity_id order by transition_number desc) as recency
    from transitions
),

outcomes as (
    select
        opportunities.opportunity_id,
        opportunities.account_id,
        opportunities.opportunity_name,
        opportunities.opportunity_type,
        opportunities.lead_source,
        opportunities.currency_code,
        opportunities.created_at,
        last_states.stage_name,
        last_states.stage_order,
        last_states.is_closed_stage as is_closed,
        last_states.amount as amount_in_deal_currency,
        last_states.close_date,
        last_states.forecast_category,
        last_states.probability_rate,
        last_states.is_closed_stage and last_states.is_won_stage as is_won,
        last_states.is_closed_stage and not last_states.is_won_stage as is_lost,
        case
            when not last_states.is_closed_stage then null
            when
                last_transitions.transition_type in ('closed_won', 'closed_lost')
                or (
                    last_transitions.transition_type = 'created'
                    and last_states.is_closed_stage
                    -- a deal without history: its creation row is inferred, not a close
                    and not last_transitions.is_inferred_from_deal
                )
                then last_transitions.changed_at
            else cast(last_states.close_date as timestamp)
        end as closed_at,
        case
            when last_states.is_closed_stage and not last_states.is_won_stage
                then coalesce(opportunities.loss_reason, 'unknown')
        end as loss_reason,
        coalesce(opportunities.opportunity_type in (
            {%- for renewal_type in var('renewal_opportunity_types') -%}
                '{{ renewal_type }}'{{ ', ' if not loop.last }}
            {%- endfor -%}
        ), false) as is_renewal
    from opportunities
    inner join last_states
        on opportunities.opportunity_id = last_states.opportunity_id and last_states.recency = 1
    inner join last_transitions
        on opportunities.opportunity_id = last_transitions.opportunity_id and last_transitions.recency = 1
),

-- the owner at close of a deal still open is its owner at the as-of time (its current owner)
with_owners as (
    select
        outcomes.*,
        creation_owners.owner_id as owner_at_creation_id,
        current_owners.owner_id as current_owner_id,
        close_owners.owner_id as owner_at_close_id
    from outcomes
    cross join as_of
    left join owners as creation_owners
        on {{ owner_at('creation_owners', 'outcomes.opportunity_id', 'outcomes.created_at') }}
    left join owners as close_owners
        on
            {{ owner_at('close_owners', 'outcomes.opportunity_id',
                        'coalesce(outcomes.closed_at, as_of.as_of)') }}
    left join owners as current_owners
        on {{ owner_at('current_owners', 'outcomes.opportunity_id', 'as_of.as_of') }}
),

converted as (
    select
        with_owners.*,
        {{ to_reporting_date('with_owners.created_at') }} as created_date,
        {{ to_reporting_date('with_owners.closed_at') }} as closed_date,
        cast(with_owners.amount_in_deal_currency / rates.conversion_rate as decimal(18, 2)) as amount,
        rates.conversion_rate is null and with_owners.amount_in_deal_currency is not null
            as is_missing_conversion_rate,
        case when with_owners.is_closed then {{ days_between('with_owners.created_at', 'with_owners.closed_at') }}
        end as sales_cycle_days
    from with_owners
    cross join as_of
    left join rates
        on
            with_owners.currency_code = rates.currency_code
            and coalesce({{ to_reporting_date('with_owners.closed_at') }}, {{ to_reporting_date('as_of.as_of') }})
            >= rates.valid_from
            and coalesce({{ to_reporting_date('with_owners.closed_at') }}, {{ to_reporting_date('as_of.as_of') }})
            < rates.valid_to
)

select * from converted
