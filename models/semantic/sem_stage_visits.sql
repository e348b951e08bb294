{#- One row per stage visit to an open stage that ended: the visits behind time in stage, for
    the deal's owner when the visit ended (as rpt_kpi_tier3_levers attributes them). -#}

with visits as (
    select * from {{ ref('fct_stage_visits') }}
),

funnel as (
    select * from {{ ref('stg_crm__stage_funnel') }}
),

owners as (
    select * from {{ ref('int_opportunity_owners_historized') }}
),

exited_open_stage_visits as (
    select
        visits.opportunity_id,
        visits.stage_name,
        visits.visit_number,
        visits.exited_date,
        visits.days_in_stage,
        owners.owner_id as owner_at_exit_id
    from visits
    inner join funnel
        on visits.stage_name = funnel.stage_name
    inner join owners
        on {{ owner_at('owners', 'visits.opportunity_id', 'visits.exited_at') }}
    where visits.exited_at is not null and not funnel.is_closed
)

select * from exited_open_stage_visits
