{#- One row per deal, fiscal period and movement of the period's expected pipeline (see
    int_pipeline_flow_movements): the deals that moved the number, with the deal's and the
    owners' names and the deal's stage while it counted in the period's pipeline: the state it
    left for an outflow (in force just before moved_at: lost from Negotiation, pushed out of
    Proposal), else the state in force at moved_at (the stage it came in at, or the one it
    was in at a level). count_change and amount_change are signed (an outflow is negative); the
    rows of a period add up from its opening to its closing. -#}

with movements as (
    select * from {{ ref('int_pipeline_flow_movements') }}
),

opportunities as (
    select * from {{ ref('dim_opportunities') }}
),

reps as (
    select * from {{ ref('dim_reps') }}
),

states as (
    select * from {{ ref('int_opportunity_states_historized') }}
),

named as (
    select
        movements.period_grain,
        movements.period_start,
        movements.opportunity_id,
        opportunities.opportunity_name,
        movements.component,
        movements.component_direction,
        movements.moved_at,
        {{ to_reporting_date('movements.moved_at') }} as moved_date,
        movements.change_source,
        movements.opportunity_history_id,
        movements.owner_id,
        owners.rep_name as owner_name,
        movements.counterpart_owner_id,
        counterparts.rep_name as counterpart_owner_name,
        states.stage_name,
        movements.count_change,
        movements.amount_change
    from movements
    left join opportunities
        on movements.opportunity_id = opportunities.opportunity_id
    left join reps as owners
        on movements.owner_id = owners.rep_id
    left join reps as counterparts
        on movements.counterpart_owner_id = counterparts.rep_id
    left join states
        on
            movements.opportunity_id = states.opportunity_id
            and (
                (
                    movements.component_direction = 'outflow'
                    and movements.moved_at > states.valid_from
                    and (states.valid_to is null or movements.moved_at <= states.valid_to)
                )
                or (
                    movements.component_direction <> 'outflow'
                    and movements.moved_at >= states.valid_from
                    and (states.valid_to is null or movements.moved_at < states.valid_to)
                )
            )
)

{{ select_contract_columns('named') }}
