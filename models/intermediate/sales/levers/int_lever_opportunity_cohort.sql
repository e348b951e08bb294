{#- Opportunity cohort lever (opportunity-to-close rate): one row per grain (rep, team,
    company), grain id and fiscal period with opportunities created in it, counted for the
    owner at creation (as created_count of velocity): how many of them were won, lost or are
    still open at the as-of time, whenever they closed. The tier 2 mart zero-fills the spine,
    divides won by created and judges the cohort's maturity. -#}

with outcomes as (
    select * from {{ ref('int_opportunity_outcomes') }}
),

rep_grain_memberships as (
    select * from {{ ref('int_rep_grain_memberships') }}
),

created_attributed as (
    {{ attribute_to_grains_and_periods(
        'outcomes', 'owner_at_creation_id', 'created_date', 'rep_grain_memberships', 'rep_id'
    ) }}
),

opportunity_cohort as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        count(*) as opportunity_cohort_count,
        sum(case when is_won then 1 else 0 end) as opportunity_cohort_won_count,
        sum(case when is_lost then 1 else 0 end) as opportunity_cohort_lost_count,
        sum(case when not is_closed then 1 else 0 end) as opportunity_cohort_open_count
    from created_attributed
    group by grain, grain_id, period_grain, period_start
)

select * from opportunity_cohort
