{#- One row per stage visit to an open stage that ended: the visits behind time in stage, for
    the deal's owner when the visit ended (int_stage_visits_ended, as rpt_kpi_tier3_levers
    attributes them), with the days as fct_stage_visits publishes them. -#}

with visits as (
    select * from {{ ref('int_stage_visits_ended') }}
),

exited_open_stage_visits as (
    select
        opportunity_id,
        stage_name,
        visit_number,
        exited_date,
        {{ publish_round('days_in_stage', 'days') }} as days_in_stage,
        owner_id as owner_at_exit_id
    from visits
)

select * from exited_open_stage_visits
