-- Every additive measure of rpt_kpi_tier2_diagnostics adds up: in every period, the company
-- row equals the sum of the team rows and the sum of the rep rows (every rep is in exactly one
-- team; each closed deal counts for its owner at close, each Commit deal for its owner at the
-- period start, each quota for its owner). Rates and quartiles are not additive. A failing
-- row names the period, the grain whose sum differs, the measure and both values.
{%- set measures = [
    'won_count', 'lost_count', 'closed_count', 'won_amount', 'lost_amount', 'closed_amount',
    'quota_amount', 'quota_carrying_rep_count', 'reps_at_or_above_quota_count',
    'commit_deal_count', 'commit_won_count', 'commit_amount', 'commit_won_amount',
    'forecast_called_amount',
] %}

with kpis as (
    select * from {{ ref('rpt_kpi_tier2_diagnostics') }}
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
