{#- Time in stage lever: one row per grain (rep, team, company), grain id and fiscal period
    with ended stage visits. A visit of an open funnel stage that has ended counts for the
    deal's owner when it ended, in the period of its end: how many, the sum and the median of
    their days in stage. -#}

with visits as (
    select * from {{ ref('int_stage_visits') }}
),

funnel as (
    select * from {{ ref('stg_crm__stage_funnel') }}
),

owners as (
    select * from {{ ref('int_opportunity_owners_historized') }}
),

exited_visits as (
    select
        visits.opportunity_id,
        visits.days_in_stage,
        {{ to_reporting_date('visits.exited_at') }} as exited_date,
        owners.owner_id
    from visits
    inner join funnel
        on visits.stage_name = funnel.stage_name
    inner join owners
        on {{ owner_at('owners', 'visits.opportunity_id', 'visits.exited_at') }}
    where visits.exited_at is not null and not funnel.is_closed
),

visits_attributed as (
    {{ attribute_to_grains_and_periods('exited_visits', 'owner_id', 'exited_date') }}
),

time_in_stage as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        count(*) as exited_visit_count,
        {{ publish_sum('days_in_stage', 'days') }} as days_in_stage_sum,
        {{ percentile_cont('days_in_stage', 0.5) }} as median_days_in_stage
    from visits_attributed
    group by grain, grain_id, period_grain, period_start
)

select * from time_in_stage
