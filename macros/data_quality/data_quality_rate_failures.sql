{#- The rows behind a data-quality error test: every rep or company period whose `measure`
    rate (manual_skip, batch_logged) in rpt_data_quality is above var('<measure>_rate_threshold'),
    judged on at least var('data_quality_min_transitions') transitions (fewer are too few to tell
    a habit from chance), naming the rep, with a failure_reason and what_to_do. `label` starts
    the reason ('Manual-skip'); `company_advice` is a SQL text expression for company rows and
    `rep_advice` one that follows "Ask <rep>" for rep rows. -#}
{% macro data_quality_rate_failures(measure, label, company_advice, rep_advice) -%}
{%- set text = dbt.type_string() %}

with data_quality as (
    select * from {{ ref('rpt_data_quality') }}
),

reps as (
    select
        rep_id,
        rep_name,
        team_name
    from {{ ref('dim_reps') }}
),

above_threshold as (
    select
        data_quality.grain,
        data_quality.grain_id,
        data_quality.period_grain,
        data_quality.period_start,
        data_quality.transition_count,
        data_quality.{{ measure }}_count,
        data_quality.{{ measure }}_rate,
        cast({{ var(measure ~ '_rate_threshold') }} as {{ type_double() }}) as {{ measure }}_rate_threshold
    from data_quality
    where
        data_quality.grain in ('rep', 'company')
        and data_quality.transition_count >= {{ var('data_quality_min_transitions') }}
        and data_quality.{{ measure }}_rate > {{ var(measure ~ '_rate_threshold') }}
),

explained as (
    select
        above_threshold.grain,
        above_threshold.grain_id,
        case
            when above_threshold.grain = 'company' then 'the company'
            else coalesce(reps.rep_name, above_threshold.grain_id)
        end as rep_name,
        reps.team_name,
        above_threshold.period_grain,
        above_threshold.period_start,
        above_threshold.transition_count,
        above_threshold.{{ measure }}_count,
        above_threshold.{{ measure }}_rate,
        above_threshold.{{ measure }}_rate_threshold,
        {{ dbt.concat([
            "'" ~ label ~ " rate of '",
            "coalesce(reps.rep_name, case when above_threshold.grain = 'company' then 'the company' end, "
            ~ "above_threshold.grain_id)",
            "' in the '",
            "above_threshold.period_grain",
            "' starting '",
            "cast(above_threshold.period_start as " ~ text ~ ")",
            "': '",
            "cast(cast(above_threshold." ~ measure ~ "_rate * 100 as decimal(6, 1)) as " ~ text ~ ")",
            "'% ('",
            "cast(above_threshold." ~ measure ~ "_count as " ~ text ~ ")",
            "' of '",
            "cast(above_threshold.transition_count as " ~ text ~ ")",
            "' transitions), above the threshold of '",
            "cast(cast(above_threshold." ~ measure ~ "_rate_threshold * 100 as decimal(6, 1)) as " ~ text ~ ")",
            "'%'",
        ]) }} as failure_reason,
        case
            when above_threshold.grain = 'company'
                then {{ company_advice }}
            else {{ dbt.concat(["'Ask '", "coalesce(reps.rep_name, above_threshold.grain_id)", rep_advice]) }}
        end as what_to_do
    from above_threshold
    left join reps
        on
            above_threshold.grain = 'rep'
            and above_threshold.grain_id = reps.rep_id
)

select * from explained
{%- endmacro %}
