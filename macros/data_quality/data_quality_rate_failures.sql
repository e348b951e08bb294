{#- The rows behind a data-quality threshold test: every rep, team or company period that
    rpt_data_quality rates 'untrusted' because its `measure` rate (manual_skip, batch_logged)
    over the trust window is above var('<measure>_rate_threshold'). The rule is the rating's
    own (at least var('data_quality_min_transitions') transitions in the window, fewer are too
    few to tell a habit from chance), read from the row, not restated here. Names the rep or
    team, with a failure_reason and what_to_do. `data_quality` and `reps` name the caller's
    import CTEs of rpt_data_quality and dim_reps; the macro is a query (its own `with`) to
    place in a CTE of the caller. `label` starts the reason ('Manual-skip');
    `company_advice` and `team_advice` are SQL text expressions for company and team rows, and
    `rep_advice` one that follows "Ask <rep>" for rep rows. -#}
{% macro data_quality_rate_failures(data_quality, reps, measure, label, company_advice, team_advice, rep_advice) -%}
{%- set text = dbt.type_string() -%}
    with rep_names as (
        select
            rep_id,
            rep_name,
            team_name
        from {{ reps }}
    ),

    team_names as (
        select distinct
            team_id,
            team_name
        from {{ reps }}
    ),

    above_threshold as (
        select
            grain,
            grain_id,
            period_grain,
            period_start,
            trust_window_start_date,
            trust_transition_count,
            trust_{{ measure }}_count,
            trust_{{ measure }}_rate,
            {{ measure }}_rate_threshold,
            transition_count,
            {{ measure }}_count,
            {{ measure }}_rate
        from {{ data_quality }}
        where
            trust_rating = 'untrusted'
            and trust_{{ measure }}_rate > {{ measure }}_rate_threshold
    ),

    named as (
        select
            above_threshold.*,
            case
                when above_threshold.grain = 'company' then 'the company'
                when above_threshold.grain = 'team' and above_threshold.grain_id = 'unassigned'
                    then 'the reps without a manager'
                when above_threshold.grain = 'team'
                    then {{ dbt.concat([
                        "'the team of '",
                        "coalesce(team_names.team_name, above_threshold.grain_id)",
                    ]) }}
                else coalesce(rep_names.rep_name, above_threshold.grain_id)
            end as grain_name,
            rep_names.rep_name,
            coalesce(rep_names.team_name, team_names.team_name) as team_name
        from above_threshold
        left join rep_names
            on
                above_threshold.grain = 'rep'
                and above_threshold.grain_id = rep_names.rep_id
        left join team_names
            on
                above_threshold.grain = 'team'
                and above_threshold.grain_id = team_names.team_id
    ),

    explained as (
        select
            grain,
            grain_id,
            grain_name,
            rep_name,
            team_name,
            period_grain,
            period_start,
            trust_window_start_date,
            trust_transition_count,
            trust_{{ measure }}_count,
            trust_{{ measure }}_rate,
            {{ measure }}_rate_threshold,
            transition_count,
            {{ measure }}_count,
            {{ measure }}_rate,
            {{ dbt.concat([
                "'" ~ label ~ " rate of '",
                "grain_name",
                "' over the trust window of the '",
                "period_grain",
                "' starting '",
                "cast(period_start as " ~ text ~ ")",
                "' (transitions from '",
                "cast(trust_window_start_date as " ~ text ~ ")",
                "'): '",
                "cast(cast(trust_" ~ measure ~ "_rate * 100 as decimal(6, 1)) as " ~ text ~ ")",
                "'% ('",
                "cast(trust_" ~ measure ~ "_count as " ~ text ~ ")",
                "' of '",
                "cast(trust_transition_count as " ~ text ~ ")",
                "' transitions), above the threshold of '",
                "cast(cast(" ~ measure ~ "_rate_threshold * 100 as decimal(6, 1)) as " ~ text ~ ")",
                "'%'",
            ]) }} as failure_reason,
            case
                when grain = 'company' then {{ company_advice }}
                when grain = 'team' then {{ team_advice }}
                else {{ dbt.concat(["'Ask '", "grain_name", rep_advice]) }}
            end as what_to_do
        from named
    )

    select * from explained
{%- endmacro %}
