{#- Every additive measure of a KPI table adds up: in every period, the company row equals the
    sum of the team rows and the sum of the rep rows (every rep is in exactly one team, and
    every event counts for one rep). Rates, medians and quartiles are not additive: list only
    counts, amounts and sums. A failing row names the period, the grain whose sum differs,
    the measure and both values. -#}
{% test company_equals_sum_of_grains(model, measures) %}

with kpis as (
    select * from {{ model }}
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

{% endtest %}
