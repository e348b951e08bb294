{#- Lead-to-opportunity lever: one row per grain (rep, team, company), grain id and fiscal
    period with leads created in it (int_lead_conversions), counted for the lead's owner as
    lead response counts them (a queue's leads for the company alone): how many of the
    touched leads became an opportunity within var lead_conversion_window_days days, with the
    median days it took, and apart from them the untouched leads that converted. The tier 3
    mart zero-fills the spine, divides by the touched leads and judges the cohort's
    maturity. -#}

with lead_conversions as (
    select * from {{ ref('int_lead_conversions') }}
),

rep_grain_memberships as (
    select * from {{ ref('int_rep_grain_memberships') }}
),

lead_rows as (
    select
        owner_id,
        created_date,
        is_untouched,
        is_converted_in_window,
        case when is_converted_in_window and not is_untouched then days_to_convert end as touched_days_to_convert
    from lead_conversions
),

lead_attributed as (
    {{ attribute_to_grains_and_periods('lead_rows', 'owner_id', 'created_date', 'rep_grain_memberships', 'rep_id') }}
),

lead_conversion as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        sum(case when is_converted_in_window and not is_untouched then 1 else 0 end) as converted_lead_count,
        sum(case when is_converted_in_window and is_untouched then 1 else 0 end) as untouched_converted_lead_count,
        {{ percentile_cont('touched_days_to_convert', 0.5) }} as median_days_to_convert
    from lead_attributed
    group by grain, grain_id, period_grain, period_start
)

select * from lead_conversion
