-- Every additive measure of rpt_kpi_tier3_levers adds up: in every period, the company row
-- equals the sum of the team rows and the sum of the rep rows (every rep is in exactly one
-- team; each lead, deal, stage visit, stage entry, push, interaction and account counts for
-- one rep, and an account has one owner). Medians and rates are not additive. Sums of
-- fractional days and interaction values are compared to within half a cent. A failing row
-- names the period, the grain whose sum differs, the measure and both values.
{%- set measures = [
    'lead_count', 'touched_lead_count', 'untouched_lead_count', 'won_count', 'won_amount',
    'closed_count', 'sales_cycle_days_sum', 'exited_visit_count', 'days_in_stage_sum',
    'stage_entry_count', 'stage_advance_count', 'created_count', 'pipeline_at_start_amount',
    'quota_amount', 'expected_to_close_count', 'slipped_count', 'close_date_push_count',
    'activity_count', 'valued_interaction_count', 'interaction_value_sum_amount',
    'owned_account_count', 'reached_account_count', 'open_deal_account_count',
    'engaged_account_count',
] %}

with kpis as (
    select * from {{ ref('rpt_kpi_tier3_levers') }}
),

company_rows as (
    select * from kpis
    where grain = 'company'
),

summed_grains as (
    select 'team' as grain
    union all
    select 'rep' as grain
),

grain_sums as (
    select
        {%- for measure in measures %}
            sum({{ measure }}) as {{ measure }},
        {%- endfor %}
        grain,
        period_grain,
        period_start
    from kpis
    where grain in ('team', 'rep')
    group by grain, period_grain, period_start
),

compared as (
    select
        {%- for measure in measures %}
            company_rows.{{ measure }} as company_{{ measure }},
            coalesce(grain_sums.{{ measure }}, 0) as summed_{{ measure }},
        {%- endfor %}
        company_rows.period_grain,
        company_rows.period_start,
        summed_grains.grain
    from company_rows
    cross join summed_grains
    left join grain_sums
        on
            company_rows.period_grain = grain_sums.period_grain
            and company_rows.period_start = grain_sums.period_start
            and summed_grains.grain = grain_sums.grain
),

mismatches as (
    {%- for measure in measures %}
        select
            period_grain,
            period_start,
            grain as summed_grain,
            '{{ measure }}' as measure,
            cast(company_{{ measure }} as {{ type_double() }}) as company_value,
            cast(summed_{{ measure }} as {{ type_double() }}) as summed_value
        from compared
        where not coalesce(abs(company_{{ measure }} - summed_{{ measure }}) < 0.005, false)
        {{- '\n        union all' if not loop.last }}
    {%- endfor %}
)

select * from mismatches
