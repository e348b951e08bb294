{#- Every additive measure of a KPI table adds up: in every period, the company row equals the
    sum of the team rows and the sum of the rep rows (every rep is in exactly one team, and
    every event counts for one rep). Rates, medians and quartiles are not additive: list only
    counts, amounts and sums. A failing row names the period, the grain whose sum differs,
    the measure and both values.

    When some records have no owner (int_rep_grain_memberships holds the pseudo-rep
    no_owner_rep_id: every deal when the export has no Opportunity.OwnerId) they count for the
    company alone, so the company row is more than the reps' sum: then the team rows must add
    up to the rep rows (company_value is the teams' sum). A measure that is null in the
    company row and in every grain row (unknown, e.g. lead counts without Lead.CreatedDate)
    adds up. -#}
{% test company_equals_sum_of_grains(model, measures) %}

with kpis as (
    select * from {{ model }}
),

unowned as (
    select count(*) as unowned_membership_count
    from {{ ref('int_rep_grain_memberships') }}
    where rep_id = '{{ no_owner_rep_id() }}'
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
            case
                when unowned.unowned_membership_count = 0 then company_rows.{{ measure }}
                else coalesce(team_sums.{{ measure }}, 0)
            end as company_{{ measure }},
            company_rows.{{ measure }} is null and grain_sums.{{ measure }} is null as is_unknown_{{ measure }},
            coalesce(grain_sums.{{ measure }}, 0) as summed_{{ measure }},
        {%- endfor %}
        company_rows.period_grain,
        company_rows.period_start,
        summed_grains.grain
    from company_rows
    cross join unowned
    cross join summed_grains
    left join grain_sums
        on
            company_rows.period_grain = grain_sums.period_grain
            and company_rows.period_start = grain_sums.period_start
            and summed_grains.grain = grain_sums.grain
    left join grain_sums as team_sums
        on
            company_rows.period_grain = team_sums.period_grain
            and company_rows.period_start = team_sums.period_start
            and team_sums.grain = 'team'
    where unowned.unowned_membership_count = 0 or summed_grains.grain = 'rep'
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
        where
            not coalesce(abs(company_{{ measure }} - summed_{{ measure }}) < 0.005, false)
            and not is_unknown_{{ measure }}
        {{- '\n        union all' if not loop.last }}
    {%- endfor %}
)

select * from mismatches

{% endtest %}
