{#- One row per interaction on a deal while the deal was open (int_interaction_intervals): the
    deal's win probability just before the interaction and at the end of the interaction's
    interval, the change, and the interaction's value = the deal's amount at the interaction
    (corporate currency) x the change. At the end of the interval the probability is the next
    interaction's probability before it, 1 or 0 at the deal's close (won or lost), or the
    model's at the as-of time or at the horizon. So a deal's interactions telescope: their
    changes add up to what the deal's probability moved from just before its first touch to
    the end of its last touch's interval, however many touches split it. -#}
{#- A view: read once, by fct_interactions. -#}
{{ config(materialized='view') }}

with intervals as (
    select * from {{ ref('int_interaction_intervals') }}
),

scores as (
    select * from {{ ref('int_win_probability_scores') }}
),

ends as (
    select
        intervals.interaction_id,
        case intervals.interval_end_reason
            when 'next_interaction' then {{ dbt.concat(["'interaction:'", 'intervals.next_interaction_id']) }}
            when 'horizon' then {{ dbt.concat(["'horizon:'", 'intervals.interaction_id']) }}
            when 'as_of' then {{ dbt.concat(["'as_of:'", 'intervals.opportunity_id']) }}
        end as end_moment_id
    from intervals
),

scored as (
    select
        intervals.interaction_id,
        intervals.opportunity_id,
        intervals.occurred_at,
        intervals.stage_name,
        before_touch.amount,
        intervals.interval_ended_at,
        intervals.interval_end_reason,
        before_touch.win_probability as probability_before,
        before_touch.probability_method,
        case
            when intervals.interval_end_reason = 'close'
                then case when intervals.is_won_at_interval_end then 1.0 else 0.0 end
            else interval_end.win_probability
        end as probability_after
    from intervals
    inner join ends
        on intervals.interaction_id = ends.interaction_id
    inner join scores as before_touch
        on {{ dbt.concat(["'interaction:'", 'intervals.interaction_id']) }} = before_touch.moment_id
    left join scores as interval_end
        on ends.end_moment_id = interval_end.moment_id
),

valued as (
    select
        scored.*,
        scored.probability_after - scored.probability_before as probability_delta,
        cast(scored.amount as {{ type_double() }}) * (scored.probability_after - scored.probability_before)
            as interaction_value_amount
    from scored
)

select * from valued
