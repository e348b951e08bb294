{#- One row per interaction on a deal while the deal was open (int_interaction_intervals): the
    deal's win probability just before the interaction and at the end of its interval, the
    change, and the interaction's value = the deal's amount at the interaction (corporate
    currency) x the change. At the end of the interval the probability is 1 or 0 at the deal's
    close (won or lost), else the deal's next moment's (int_win_probability_moments, in moment
    order): the next interaction's probability just before it, the horizon's or the as-of
    time's; a next moment that is not the one the interval names leaves it null (a data test
    of fct_interactions then fails). So a deal's interactions telescope: their changes add up
    to what the deal's probability moved over its touched time, however many touches split it. -#}
{#- A table, read by fct_interactions: the scoring of every interaction is this model's work,
    the mart's the publication. -#}

with scores as (
    select * from {{ ref('int_win_probability_scores') }}
),

sequenced as (
    select
        scores.*,
        lead(scores.win_probability) over deal_order as next_win_probability,
        lead(scores.moment_kind) over deal_order as next_moment_kind,
        lead(scores.interaction_id) over deal_order as next_moment_interaction_id
    from scores
    window deal_order as (
        partition by scores.opportunity_id
        order by scores.moment_at, scores.moment_rank, scores.interaction_id
    )
),

scored as (
    select
        interaction_id,
        opportunity_id,
        moment_at as occurred_at,
        stage_name,
        amount,
        interval_ended_at,
        interval_end_reason,
        probability_method,
        win_probability as probability_before,
        case
            when interval_end_reason = 'close'
                then case when is_won_at_interval_end then 1.0 else 0.0 end
            when
                interval_end_reason = 'next_interaction'
                and next_moment_kind = 'interaction'
                and next_moment_interaction_id = next_interaction_id
                then next_win_probability
            when
                interval_end_reason = 'horizon'
                and next_moment_kind = 'horizon'
                and next_moment_interaction_id = interaction_id
                then next_win_probability
            when interval_end_reason = 'as_of' and next_moment_kind = 'as_of'
                then next_win_probability
        end as probability_after
    from sequenced
    where moment_kind = 'interaction'
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
