{#- One row per open funnel stage: of the deals closed by the as-of time that entered the
    stage, the share that were won (the historical stage win rate; outcomes as of the as-of
    time, int_opportunity_outcomes). Stages no closed deal entered take the
    overall win rate of closed deals. The fallback probability when too few deals have closed
    to fit the model, and a baseline to compare the model with. -#}

with entries as (
    select * from {{ ref('int_stage_entries') }}
),

outcomes as (
    select * from {{ ref('int_opportunity_outcomes') }}
),

funnel as (
    select * from {{ ref('stg_crm__stage_funnel') }}
),

closed_deals as (
    select
        opportunity_id,
        is_won
    from outcomes
    where is_closed
),

overall as (
    select
        count(*) as closed_deal_count,
        sum(case when is_won then 1 else 0 end) as won_deal_count
    from closed_deals
),

per_stage as (
    select
        entries.stage_name,
        count(*) as closed_deal_count,
        sum(case when closed_deals.is_won then 1 else 0 end) as won_deal_count
    from entries
    inner join closed_deals
        on entries.opportunity_id = closed_deals.opportunity_id
    where entries.first_entered_at is not null
    group by entries.stage_name
),

rates as (
    select
        funnel.stage_name,
        funnel.stage_order,
        coalesce(per_stage.closed_deal_count, 0) as closed_deal_count,
        coalesce(per_stage.won_deal_count, 0) as won_deal_count,
        case
            when per_stage.closed_deal_count > 0
                then cast(per_stage.won_deal_count as {{ type_double() }}) / per_stage.closed_deal_count
            when overall.closed_deal_count > 0
                then cast(overall.won_deal_count as {{ type_double() }}) / overall.closed_deal_count
        end as stage_win_rate,
        coalesce(per_stage.closed_deal_count, 0) = 0 as is_overall_rate
    from funnel
    cross join overall
    left join per_stage
        on funnel.stage_name = per_stage.stage_name
    where not funnel.is_closed
)

select * from rates
