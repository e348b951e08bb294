{{ config(materialized='table') }}

{#- One row per deal and moment at which its stage, amount, close date or forecast category
    changed (stg_hubspot__deal_changes: stage entries from deal_stage only, and the amount,
    closedate and hs_manual_forecast_category versions), carrying the state after the change:
    each of the four is the latest value recorded at or before the moment (before its first
    version, the first; a property the deal has no version of at all: the deal's current
    value). A moment whose state equals the
    one before it (a version re-saving the same value) is no row; the first moment always is.
      opportunity_history_id  <deal id>-<6-digit sequence in time order>: sorts in time order
                              within a deal.
      changed_by_user_id,     of the stage entry when the moment has one, else of the first
      change_source           property version at that moment (by property name).
    close_date: a version's value, ISO-8601 or epoch milliseconds, as a date in the portal's
    time zone (hubspot_close_date). A moment before the deal's creation is moved to it
    (not_before_creation), as for Salesforce. -#}

with changes as (
    select * from {{ ref('stg_hubspot__deal_changes') }}
),

opportunities as (
    select * from {{ ref('stg_hubspot__opportunities') }}
),

funnel as (
    select * from {{ ref('stg_hubspot__stage_funnel') }}
),

tracked_changes as (
    select
        changes.*,
        case
            when changes.property_name = 'dealstage' then 0
            when changes.property_name = 'amount' then 1
            when changes.property_name = 'closedate' then 2
            else 3
        end as property_rank
    from changes
    where changes.property_name in ('dealstage', 'amount', 'closedate', 'hs_manual_forecast_category')
),

moments as (
    select distinct
        deal_id,
        changed_at
    from tracked_changes
),

-- who and what saved the moment: its stage entry, else its first property version
moment_authors as (
    select
        deal_id,
        changed_at,
        changed_by_user_id,
        change_source,
        row_number() over (
            partition by deal_id, changed_at
            order by property_rank, property_name
        ) as author_rank
    from tracked_changes
),

-- each tracked property's latest version at or before each moment (before its first
-- version: the first one, the value the deal was created with)
values_at_moments as (
    select
        moments.deal_id,
        moments.changed_at,
        tracked_changes.property_name,
        tracked_changes.value,
        row_number() over (
            partition by moments.deal_id, moments.changed_at, tracked_changes.property_name
            order by
                case when tracked_changes.changed_at <= moments.changed_at then 0 else 1 end,
                case when tracked_changes.changed_at <= moments.changed_at then tracked_changes.changed_at end desc,
                tracked_changes.changed_at asc
        ) as version_rank
    from moments
    inner join tracked_changes
        on moments.deal_id = tracked_changes.deal_id
),

deal_properties as (
    select
        deal_id,
        max(case when property_name = 'dealstage' then 1 else 0 end) as has_stage_history,
        max(case when property_name = 'amount' then 1 else 0 end) as has_amount_history,
        max(case when property_name = 'closedate' then 1 else 0 end) as has_close_date_history,
        max(case when property_name = 'hs_manual_forecast_category' then 1 else 0 end) as has_forecast_history
    from tracked_changes
    group by deal_id
),

states as (
    select
        deal_id,
        changed_at,
        max(case when property_name = 'dealstage' then value end) as stage_id,
        max(case when property_name = 'amount' then value end) as amount_value,
        max(case when property_name = 'closedate' then value end) as close_date_value,
        max(case when property_name = 'hs_manual_forecast_category' then value end) as forecast_category_value
    from values_at_moments
    where version_rank = 1
    group by deal_id, changed_at
),

typed_states as (
    select
        states.deal_id,
        states.changed_at,
        case
            when deal_properties.has_stage_history = 1 then states.stage_id
            else opportunities.stage_id
        end as stage_id,
        case
            when deal_properties.has_amount_history = 1 then {{ parse_number('states.amount_value', 'amount') }}
            else opportunities.amount
        end as amount,
        case
            when deal_properties.has_close_date_history = 0 then opportunities.close_date
            else {{ hubspot_close_date('states.close_date_value', from_text=true) }}
        end as close_date,
        case
            when deal_properties.has_forecast_history = 1
                then {{ hubspot_forecast_category_label('states.forecast_category_value') }}
        end as manual_forecast_category
    from states
    inner join opportunities
        on states.deal_id = opportunities.opportunity_id
    inner join deal_properties
        on states.deal_id = deal_properties.deal_id
),

described as (
    select
        typed_states.deal_id,
        typed_states.changed_at,
        funnel.stage_name,
        typed_states.stage_id,
        typed_states.amount,
        typed_states.close_date,
        funnel.default_probability_rate as probability_rate,
        coalesce(typed_states.manual_forecast_category, funnel.forecast_category) as forecast_category
    from typed_states
    left join funnel
        on typed_states.stage_id = funnel.stage_id
),

compared as (
    select
        described.*,
        row_number() over (partition by described.deal_id order by described.changed_at) as moment_number,
        lag(described.stage_name)
            over (partition by described.deal_id order by described.changed_at)
            as previous_stage_name,
        lag(described.amount) over (partition by described.deal_id order by described.changed_at) as previous_amount,
        lag(described.close_date)
            over (partition by described.deal_id order by described.changed_at)
            as previous_close_date,
        lag(described.forecast_category)
            over (partition by described.deal_id order by described.changed_at)
            as previous_forecast_category
    from described
),

changed as (
    select *
    from compared
    where
        moment_number = 1
        or stage_name is distinct from previous_stage_name
        or amount is distinct from previous_amount
        or close_date is distinct from previous_close_date
        or forecast_category is distinct from previous_forecast_category
),

staged as (
    select
        changed.deal_id || '-' || lpad(cast(row_number() over (
            partition by changed.deal_id order by changed.changed_at
        ) as {{ dbt.type_string() }}), 6, '0') as opportunity_history_id,
        changed.deal_id as opportunity_id,
        moment_authors.changed_by_user_id,
        {{ not_before_creation('changed.changed_at', 'opportunities.created_at') }} as changed_at,
        changed.changed_at as recorded_changed_at,
        {{ changed_before_creation('changed.changed_at', 'opportunities.created_at') }} as is_before_creation,
        changed.stage_name,
        changed.stage_id as recorded_stage_name,
        changed.amount,
        changed.close_date,
        changed.probability_rate,
        changed.forecast_category,
        moment_authors.change_source
    from changed
    inner join opportunities
        on changed.deal_id = opportunities.opportunity_id
    inner join moment_authors
        on
            changed.deal_id = moment_authors.deal_id
            and changed.changed_at = moment_authors.changed_at
            and moment_authors.author_rank = 1
)

select * from staged
