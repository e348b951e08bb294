{#- One row per saved change of an opportunity up to the as-of time, in order
    (history_sequence 1 = first), with the stage's place in the funnel. A deal with no history
    row at all gets one row at its creation, in its current stage and with its current values
    (is_inferred_from_deal, counted as a manual change). Deals created after the as-of time do
    not exist yet.
    Rows with identical timestamps are ordered by their id (Salesforce ids grow over time). -#}

with as_of as (
    select as_of from {{ ref('stg_crm__export_as_of') }}
),

history as (
    {{ rows_up_to_as_of(ref('stg_crm__opportunity_history'), 'changed_at', 'as_of') }}
),

opportunities as (
    {{ rows_up_to_as_of(ref('stg_crm__opportunities'), 'created_at', 'as_of') }}
),

funnel as (
    select * from {{ ref('stg_crm__stage_funnel') }}
),

recorded as (
    select
        opportunity_history_id,
        opportunity_id,
        changed_by_user_id,
        changed_at,
        stage_name,
        amount,
        close_date,
        probability_rate,
        forecast_category,
        change_source,
        false as is_inferred_from_deal
    from history
),

inferred as (
    select
        cast(null as {{ dbt.type_string() }}) as opportunity_history_id,
        opportunities.opportunity_id,
        cast(null as {{ dbt.type_string() }}) as changed_by_user_id,
        opportunities.created_at as changed_at,
        opportunities.stage_name,
        opportunities.amount,
        opportunities.close_date,
        opportunities.probability_rate,
        opportunities.forecast_category,
        'manual' as change_source,
        true as is_inferred_from_deal
    from opportunities
    where not exists (
        select 1 from history
        where history.opportunity_id = opportunities.opportunity_id
    )
),

unioned as (
    select * from recorded
    union all
    select * from inferred
),

sequenced as (
    select
        unioned.*,
        funnel.stage_order,
        funnel.is_closed as is_closed_stage,
        funnel.is_won as is_won_stage,
        row_number() over (
            partition by unioned.opportunity_id
            order by unioned.changed_at asc, unioned.opportunity_history_id asc
        ) as history_sequence
    from unioned
    inner join funnel
        on unioned.stage_name = funnel.stage_name
)

select * from sequenced
