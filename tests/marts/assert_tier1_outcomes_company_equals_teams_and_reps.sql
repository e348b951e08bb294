-- Every additive measure of rpt_kpi_tier1_outcomes adds up: in every period, the company row
-- equals the sum of the team rows and the sum of the rep rows (every rep is in exactly one
-- team, and each deal, quota and first win counts for one rep). Not additive, so not checked:
-- retention counts and the current-year NRR bookings (an account can be in two reps' bases),
-- spend (company only) and cost (rounded per row). A failing row names the period, the
-- grain whose sum differs, the measure and both values.
{%- set measures = [
    'won_count', 'bookings_amount', 'quota_carrying_rep_count', 'renewal_won_count',
    'renewal_closed_count', 'new_customer_count', 'nrr_prior_bookings_amount',
] %}

with kpis as (
    select * from {{ ref('rpt_kpi_tier1_outcomes') }}
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
