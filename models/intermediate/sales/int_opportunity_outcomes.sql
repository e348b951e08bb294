{#- One row per opportunity that exists at the as-of time: its state then (the last saved
    change), its final close, the owner at creation and at close, and its amount in the
    corporate currency (converted at the rate in force on the outcome date for closed deals,
    on the as-of date for open ones).
    A deal is closed when its last history row is in a closed stage, or when its history has
    no row of its final close but its Opportunity row says IsClosed (then at its CloseDate) and
    the history has no row after the as-of time (else the row shows a later state than then).
    closed_at (durations) = when it entered its final closed stage, from the stage history;
    without a closing history row, 00:00 of its CloseDate in the reporting time zone (a
    calendar date, never later than the as-of time); never before created_at. outcome_date (the
    period) = the deal's CloseDate as of its final close (the closing history state's, else the
    Opportunity row's), or the reporting-zone date of closed_at with var outcome_date_source:
    stage_history; a CloseDate later than the as-of date gives way to closed_at's date (the
    outcome is known, its CloseDate has not come: it must count in a period that exists). A closing
    history timestamp more than var back_dated_close_tolerance_days days from CloseDate, or a
    CloseDate before the creation date, is is_back_dated_close (a data-quality flag); its sales
    cycle still runs from created_at to closed_at, so it is never negative (0 at worst). -#}
{%- set outcome_date_source = var('outcome_date_source') %}
{%- if outcome_date_source not in ('close_date', 'stage_history') %}
    {{ exceptions.raise_compiler_error(
        "The var outcome_date_source must be close_date or stage_history, not " ~ outcome_date_source
    ) }}
{%- endif %}
{#- the CloseDate as of the final close (the closed_at date when the export has none), or the
    closed_at date -#}
{%- set outcome_date_of_close = (
    'coalesce(dated.close_date, dated.closed_date)' if outcome_date_source == 'close_date'
    else 'dated.closed_date'
) %}

with sequenced as (
    select * from {{ ref('int_opportunity_history_sequenced') }}
),

transitions as (
    select * from {{ ref('int_stage_transitions') }}
),

opportunities as (
    select * from {{ ref('stg_crm__opportunities') }}
),

owners as (
    select * from {{ ref('int_opportunity_owners_historized') }}
),

rates as (
    select * from {{ ref('int_currency_rates_dated') }}
),

funnel as (
    select * from {{ ref('stg_crm__stage_funnel') }}
),

as_of as (
    select as_of from {{ ref('stg_crm__export_as_of') }}
),

-- deals whose stage history goes on after the as-of time: their Opportunity row shows a later
-- state than the as-of time's, so it cannot close them (the history up to as_of decides)
changed_after_as_of as (
    select distinct history.opportunity_id
    from {{ ref('stg_crm__opportunity_history') }} as history
    cross join as_of
    where history.changed_at > as_of.as_of
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

-- the history holds the row of the final close when its last row is in a closed stage
-- reached by a closing transition (a deal without history has only an inferred creation row,
-- which is not a close); the history lacks it when its last row is open while the Opportunity
-- row says closed: the deal is then closed by its Opportunity row, at its CloseDate
states_compared as (
    select
        opportunities.opportunity_id,
        opportunities.account_id,
        opportunities.opportunity_name,
        opportunities.opportunity_type,
        opportunities.lead_source,
        opportunities.currency_code,
        opportunities.created_at,
        opportunities.loss_reason,
        opportunities.stage_name as deal_row_stage_name,
        opportunities.amount as deal_row_amount,
        opportunities.close_date as deal_row_close_date,
        opportunities.forecast_category as deal_row_forecast_category,
        opportunities.probability_rate as deal_row_probability_rate,
        deal_row_stages.stage_order as deal_row_stage_order,
        last_states.stage_name,
        last_states.stage_order,
        last_states.is_closed_stage,
        last_states.is_won_stage,
        last_states.amount,
        last_states.close_date,
        last_states.forecast_category,
        last_states.probability_rate,
        last_transitions.changed_at as last_transition_at,
        coalesce(opportunities.is_won, deal_row_stages.is_won, false) as is_deal_row_won,
        not last_states.is_closed_stage
        and coalesce(opportunities.is_closed, false)
        and changed_after_as_of.opportunity_id is null as is_closed_by_deal_row,
        last_states.is_closed_stage and (
            last_transitions.transition_type in ('closed_won', 'closed_lost')
            or (last_transitions.transition_type = 'created' and not last_transitions.is_inferred_from_deal)
        ) as is_close_recorded_in_history
    from opportunities
    inner join last_states
        on opportunities.opportunity_id = last_states.opportunity_id and last_states.recency = 1
    inner join last_transitions
        on opportunities.opportunity_id = last_transitions.opportunity_id and last_transitions.recency = 1
    left join funnel as deal_row_stages
        on opportunities.stage_name = deal_row_stages.stage_name
    left join changed_after_as_of
        on opportunities.opportunity_id = changed_after_as_of.opportunity_id
),

-- the deal's final state: its last history row, or its Opportunity row when that closed it
final_states as (
    select
        opportunity_id,
        account_id,
        opportunity_name,
        opportunity_type,
        lead_source,
        currency_code,
        created_at,
        loss_reason,
        is_close_recorded_in_history,
        last_transition_at,
        case when is_closed_by_deal_row then deal_row_stage_name else stage_name end as stage_name,
        case when is_closed_by_deal_row then deal_row_stage_order else stage_order end as stage_order,
        is_closed_stage or is_closed_by_deal_row as is_closed,
        case when is_closed_by_deal_row then is_deal_row_won else is_won_stage end as is_won_if_closed,
        case when is_closed_by_deal_row then deal_row_amount else amount end as amount_in_deal_currency,
        -- a closed deal's CloseDate as of its final close: its closing state's (the history's
        -- last row), else the Opportunity row's; an open deal's expected close date
        case
            when is_closed_by_deal_row then deal_row_close_date
            when is_closed_stage then coalesce(close_date, deal_row_close_date)
            else close_date
        end as close_date,
        case
            when is_closed_by_deal_row then deal_row_forecast_category else forecast_category
        end as forecast_category,
        case
            when is_closed_by_deal_row then deal_row_probability_rate else probability_rate
        end as probability_rate
    from states_compared
),

closes_timed as (
    select
        final_states.*,
        case
            when not final_states.is_closed then null
            when final_states.is_close_recorded_in_history then final_states.last_transition_at
            -- CloseDate is a calendar date: its start in the reporting time zone, and the deal
            -- is closed by the as-of time (its row says so) even when that date is later
            else least({{ reporting_midnight_utc('final_states.close_date') }}, as_of.as_of)
        end as recorded_closed_at
    from final_states
    cross join as_of
),

outcomes as (
    select
        opportunity_id,
        account_id,
        opportunity_name,
        opportunity_type,
        lead_source,
        currency_code,
        created_at,
        stage_name,
        stage_order,
        is_closed,
        amount_in_deal_currency,
        close_date,
        forecast_category,
        probability_rate,
        is_closed and is_won_if_closed as is_won,
        is_closed and not is_won_if_closed as is_lost,
        -- never before the creation (a CloseDate before CreatedDate: closed when created)
        case
            when recorded_closed_at < created_at then created_at
            else recorded_closed_at
        end as closed_at,
        is_close_recorded_in_history,
        case
            when is_closed and not is_won_if_closed then coalesce(loss_reason, 'unknown')
        end as loss_reason,
        coalesce(opportunity_type in (
            {%- for renewal_type in var('renewal_opportunity_types') -%}
                '{{ renewal_type }}'{{ ', ' if not loop.last }}
            {%- endfor -%}
        ), false) as is_renewal
    from closes_timed
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

dated as (
    select
        with_owners.*,
        {{ to_reporting_date('with_owners.created_at') }} as created_date,
        {{ to_reporting_date('with_owners.closed_at') }} as closed_date
    from with_owners
),

-- the date the outcome counts on (its period, its conversion rate), and whether the closing
-- history row and the CloseDate disagree (back-dated or back-loaded data)
outcomes_dated as (
    select
        dated.*,
        case
            -- a CloseDate after the as-of date has not come yet: the outcome, known by then,
            -- counts on the date its close was recorded (and is flagged back-dated below)
            when dated.is_closed and {{ outcome_date_of_close }} > {{ to_reporting_date('as_of.as_of') }}
                then dated.closed_date
            when dated.is_closed then {{ outcome_date_of_close }}
        end as outcome_date,
        coalesce(
            dated.is_closed and (
                dated.close_date < dated.created_date
                or (
                    dated.is_close_recorded_in_history
                    and (
                        {{ dbt.datediff('dated.close_date', 'dated.closed_date', 'day') }}
                        > {{ var('back_dated_close_tolerance_days') }}
                        or {{ dbt.datediff('dated.closed_date', 'dated.close_date', 'day') }}
                        > {{ var('back_dated_close_tolerance_days') }}
                    )
                )
            ),
            false
        ) as is_back_dated_close
    from dated
    cross join as_of
),

converted as (
    select
        outcomes_dated.opportunity_id,
        outcomes_dated.account_id,
        outcomes_dated.opportunity_name,
        outcomes_dated.opportunity_type,
        outcomes_dated.lead_source,
        outcomes_dated.currency_code,
        outcomes_dated.created_at,
        outcomes_dated.stage_name,
        outcomes_dated.stage_order,
        outcomes_dated.is_closed,
        outcomes_dated.amount_in_deal_currency,
        outcomes_dated.close_date,
        outcomes_dated.forecast_category,
        outcomes_dated.probability_rate,
        outcomes_dated.is_won,
        outcomes_dated.is_lost,
        outcomes_dated.closed_at,
        outcomes_dated.loss_reason,
        outcomes_dated.is_renewal,
        outcomes_dated.owner_at_creation_id,
        outcomes_dated.current_owner_id,
        outcomes_dated.owner_at_close_id,
        outcomes_dated.created_date,
        outcomes_dated.closed_date,
        outcomes_dated.outcome_date,
        outcomes_dated.is_back_dated_close,
        cast(outcomes_dated.amount_in_deal_currency / rates.conversion_rate as decimal(18, 2)) as amount,
        rates.conversion_rate is null and outcomes_dated.amount_in_deal_currency is not null
            as is_missing_conversion_rate,
        -- durations run on closed_at, never before created_at: never negative (0 at worst)
        case
            when outcomes_dated.is_closed
                then {{ days_between('outcomes_dated.created_at', 'outcomes_dated.closed_at') }}
        end as sales_cycle_days
    from outcomes_dated
    cross join as_of
    left join rates
        on
            outcomes_dated.currency_code = rates.currency_code
            and coalesce(outcomes_dated.outcome_date, {{ to_reporting_date('as_of.as_of') }}) >= rates.valid_from
            and coalesce(outcomes_dated.outcome_date, {{ to_reporting_date('as_of.as_of') }}) < rates.valid_to
)

select * from converted
