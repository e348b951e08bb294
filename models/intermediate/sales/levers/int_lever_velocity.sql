{#- Velocity lever (its deal counts; the won side is int_lever_sales_cycle): one row per grain
    (rep, team, company), grain id and fiscal period with deals closed or created. A closed
    deal counts for its owner at close in the period of its outcome date, a created deal for
    its owner at creation in the period it was created. -#}

with outcomes as (
    select * from {{ ref('int_opportunity_outcomes') }}
),

rep_grain_memberships as (
    select * from {{ ref('int_rep_grain_memberships') }}
),

closed_deals as (
    select * from outcomes
    where is_closed
),

closed_attributed as (
    {{ attribute_to_grains_and_periods(
        'closed_deals', 'owner_at_close_id', 'outcome_date', 'rep_grain_memberships', 'rep_id'
    ) }}
),

created_attributed as (
    {{ attribute_to_grains_and_periods(
        'outcomes', 'owner_at_creation_id', 'created_date', 'rep_grain_memberships', 'rep_id'
    ) }}
),

-- each deal once as closed and once as created, then counted per grain and period
deal_events as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        1 as is_closing,
        0 as is_creation
    from closed_attributed
    union all
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        0 as is_closing,
        1 as is_creation
    from created_attributed
),

deal_counts as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        sum(is_closing) as closed_count,
        sum(is_creation) as created_count
    from deal_events
    group by grain, grain_id, period_grain, period_start
)

select * from deal_counts
