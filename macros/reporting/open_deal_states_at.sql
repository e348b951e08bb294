{#- The joins that keep, for each row of the query's `from` (a moment), the deals open at that
    moment: the one rule of "an open deal at a moment" (the start of a date in
    int_open_deals_at_dates, the as-of time in int_open_deals_at_period_end).
      moment    the timestamp expression (UTC) of the row the deals are wanted at
      states    the alias of int_opportunity_states_historized (or a CTE of it) in the query
      outcomes  the alias of int_opportunity_outcomes (or a CTE of it) in the query
    The deal's historized state in force at the moment (valid_from <= moment < valid_to) is in
    an open stage, and the deal was not closed by then by its Opportunity row: a deal whose
    history lacks the row of its final close is closed from its closed_at on. Write it right
    after the `from`: it ends with the `where` clause; `states` columns are the deal as it
    stood then. -#}
{% macro open_deal_states_at(moment, states='states', outcomes='outcomes') -%}
    inner join {{ states }}
        on
            {{ moment }} >= {{ states }}.valid_from
            and {{ moment }} < coalesce({{ states }}.valid_to, cast('9999-12-31' as {{ dbt.type_timestamp() }}))
            and not {{ states }}.is_closed_stage
    left join {{ outcomes }} as closed_before
        on
            {{ states }}.opportunity_id = closed_before.opportunity_id
            and {{ moment }} >= closed_before.closed_at
    where closed_before.opportunity_id is null
{%- endmacro %}
