{#- One row per cut-off of the win-probability model (int_win_probability_cutoffs) and open funnel
    stage: of the deals closed by the cut-off (closed_at at or before it; outcomes as of the
    as-of time, int_opportunity_outcomes) that entered the stage, the share that were won (the
    historical stage win rate as it was known at the cut-off). A stage no deal closed by then
    entered takes the overall win rate of the deals closed by then; before any deal closed, the
    stage's default probability (stg_crm__stage_funnel.default_probability_rate, the CRM's own).
    fallback_probability is what the scoring uses when the model's method is not
    logistic_regression, fallback_method says which it is; overall_win_rate (the won share of
    every deal closed by the cut-off) scores a state in a stage without a row here (a closed
    stage: a deal seen in one at an interval's horizon before its close was recorded). -#}

with entries as (
    select * from {{ ref('int_stage_entries') }}
),

outcomes as (
    select * from {{ ref('int_opportunity_outcomes') }}
),

funnel as (
    select * from {{ ref('stg_crm__stage_funnel') }}
),

cutoffs as (
    select * from {{ ref('int_win_probability_cutoffs') }}
),

closed_deals as (
    select
        opportunity_id,
        is_won,
        closed_at
    from outcomes
    where is_closed
),

-- each cut-off's closed deals: the ones whose outcome was known by then
closed_by_cutoff as (
    select
        cutoffs.fitted_at,
        closed_deals.opportunity_id,
        closed_deals.is_won
    from cutoffs
    inner join closed_deals
        on cutoffs.fitted_at >= closed_deals.closed_at
),

overall as (
    select
        cutoffs.fitted_at,
        count(closed_by_cutoff.opportunity_id) as closed_deal_count,
        sum(case when closed_by_cutoff.is_won then 1 else 0 end) as won_deal_count
    from cutoffs
    left join closed_by_cutoff
        on cutoffs.fitted_at = closed_by_cutoff.fitted_at
    group by cutoffs.fitted_at
),

per_stage as (
    select
        closed_by_cutoff.fitted_at,
        entries.stage_name,
        count(*) as closed_deal_count,
        sum(case when closed_by_cutoff.is_won then 1 else 0 end) as won_deal_count
    from closed_by_cutoff
    inner join entries
        on closed_by_cutoff.opportunity_id = entries.opportunity_id
    where entries.first_entered_at is not null
    group by closed_by_cutoff.fitted_at, entries.stage_name
),

rates as (
    select
        cutoffs.fitted_at,
        cutoffs.valid_to,
        cutoffs.is_current,
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
        coalesce(per_stage.closed_deal_count, 0) = 0 and overall.closed_deal_count > 0 as is_overall_rate,
        case
            when overall.closed_deal_count > 0
                then cast(overall.won_deal_count as {{ type_double() }}) / overall.closed_deal_count
        end as overall_win_rate,
        cast(funnel.default_probability_rate as {{ type_double() }}) as default_probability_rate
    from cutoffs
    cross join funnel
    inner join overall
        on cutoffs.fitted_at = overall.fitted_at
    left join per_stage
        on
            cutoffs.fitted_at = per_stage.fitted_at
            and funnel.stage_name = per_stage.stage_name
    where not funnel.is_closed
),

fallbacks as (
    select
        rates.*,
        coalesce(rates.stage_win_rate, rates.default_probability_rate) as fallback_probability,
        case
            when rates.stage_win_rate is null then 'stage_default_probability'
            else 'stage_win_rate'
        end as fallback_method
    from rates
)

select * from fallbacks
