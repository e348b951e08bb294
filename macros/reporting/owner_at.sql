{#- The join condition that picks a deal's ownership span in force at a moment: the one rule
    for "the owner at the time of the event" (owner at close, at creation, at a period start,
    when a visit ended, when a stage was entered, when a close date was pushed).
      owners          the alias of int_opportunity_owners_historized (or a CTE of it) in the
                      query
      opportunity_id  the deal's id expression on the other side of the join
      moment          the timestamp expression the owner is wanted at (UTC)
    The span with valid_from <= moment < valid_to (valid_to null = the current owner). A
    moment before the first span starts (a history row stamped before the deal's creation, a
    period that starts before it) takes the first span: the owner at the deal's creation. So
    a deal's spans cover all time and exactly one matches any non-null moment: an inner join
    keeps every row, a left join never needs a fallback. A null moment matches no span. -#}
{% macro owner_at(owners, opportunity_id, moment) -%}
    {{ owners }}.opportunity_id = {{ opportunity_id }}
    and (
        (
            {{ moment }} >= {{ owners }}.valid_from
            and ({{ owners }}.valid_to is null or {{ moment }} < {{ owners }}.valid_to)
        )
        or ({{ owners }}.ownership_number = 1 and {{ moment }} < {{ owners }}.valid_from)
    )
{%- endmacro %}
