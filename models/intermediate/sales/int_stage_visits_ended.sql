{#- The ended visits to open funnel stages, each for the deal's owner when it ended (macro
    owner_at): the visits behind time in stage. rpt_time_in_stage counts them per stage, the time
    in stage lever (int_lever_time_in_stage) over all stages, and MetricFlow reads them through
    sem_stage_visits. A visit to a closed stage, or one still going on, is not here. -#}

with visits as (
    select * from {{ ref('int_stage_visits') }}
),

funnel as (
    select * from {{ ref('stg_crm__stage_funnel') }}
),

owners as (
    select * from {{ ref('int_opportunity_owners_historized') }}
),

ended_visits as (
    select
        visits.opportunity_id,
        visits.stage_name,
        visits.visit_number,
        visits.days_in_stage,
        visits.exited_at,
        {{ to_reporting_date('visits.exited_at') }} as exited_date,
        owners.owner_id
    from visits
    inner join funnel
        on visits.stage_name = funnel.stage_name
    inner join owners
        on {{ owner_at('owners', 'visits.opportunity_id', 'visits.exited_at') }}
    where visits.exited_at is not null and not funnel.is_closed
)

select * from ended_visits
