{#- Lead response lever: one row per grain (rep, team, company), grain id and fiscal period
    with leads. A lead counts for its owner in the period it was created: how many leads, how
    many nobody has touched yet and the median minutes to the first response. The tier 3 mart
    zero-fills the spine and makes the counts unknown (null) when no lead has a creation time. -#}

with leads as (
    select * from {{ ref('int_lead_first_responses') }}
),

rep_grain_memberships as (
    select * from {{ ref('int_rep_grain_memberships') }}
),

lead_rows as (
    select
        owner_id,
        {{ to_reporting_date('created_at') }} as created_date,
        first_response_minutes,
        is_untouched
    from leads
),

lead_attributed as (
    {{ attribute_to_grains_and_periods('lead_rows', 'owner_id', 'created_date', 'rep_grain_memberships', 'rep_id') }}
),

lead_response as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        count(*) as lead_count,
        sum(case when is_untouched then 1 else 0 end) as untouched_lead_count,
        {{ percentile_cont('first_response_minutes', 0.5) }} as median_lead_response_minutes
    from lead_attributed
    group by grain, grain_id, period_grain, period_start
)

select * from lead_response
