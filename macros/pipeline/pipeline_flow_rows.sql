{#- The blocks int_pipeline_flow_movements is written as: one `select` per kind of row, so the
    model reads as the list of its components. -#}

{#- A level of the period's expected pipeline: the deals (rows of `steps`) open at `moment`
    (the state in force then: changed_at <= moment < next_changed_at) with a close date inside
    the period, one row each, valued at the rate of `rate_date`. Reads the CTEs `steps` and
    `periods_measured` (macro periods_measured). -#}
{% macro pipeline_flow_level(component, moment, rate_date) -%}
    select
        '{{ component }}' as component,
        periods_measured.period_grain,
        periods_measured.period_start,
        {{ rate_date }} as rate_date,
        {{ moment }} as moved_at,
        steps.*
    from steps
    inner join periods_measured
        on
            steps.close_date >= periods_measured.period_start
            and steps.close_date < periods_measured.period_end
            and steps.changed_at <= {{ moment }}
            and (steps.next_changed_at is null or steps.next_changed_at > {{ moment }})
    where steps.is_open
{%- endmacro %}

{#- Movement rows of `source` (a CTE with period_grain, period_start, opportunity_id,
    changed_at, change_source, opportunity_history_id and the columns the expressions use),
    in the flow's column order:
      component             the component's name (an expression: a quoted name or a case)
      where                 which rows of `source` are this movement (none: every row)
      count_change          signed: +1 into the scope, -1 out of it, 0 for a change of value
      amount_change         signed amount (corporate currency, the period-start rate)
      owner_id              the owner whose rows the movement counts in
      counterpart_owner_id  the other side of an owner change (none: null)
      moved_at              when it moved (the step's changed_at unless the source has its own) -#}
{% macro pipeline_flow_movement(
    component, where, count_change, amount_change, owner_id='owner_id',
    counterpart_owner_id=none, moved_at='changed_at', source='scoped_steps'
) -%}
    {%- set counterpart = counterpart_owner_id or 'cast(null as ' ~ dbt.type_string() ~ ')' -%}
    select
        {{ _flow_column(component, 'component') }},
        period_grain,
        period_start,
        opportunity_id,
        {{ _flow_column(moved_at, 'moved_at') }},
        changed_at,
        change_source,
        opportunity_history_id,
        {{ _flow_column(owner_id, 'owner_id') }},
        {{ _flow_column(counterpart, 'counterpart_owner_id') }},
        {{ _flow_column(count_change, 'count_change') }},
        {{ _flow_column(amount_change, 'amount_change') }}
    from {{ source }}
    {%- if where %}
    where {{ where }}
    {%- endif %}
{%- endmacro %}

{#- `expression as name`, or the bare column when the expression is that column. -#}
{% macro _flow_column(expression, name) -%}
    {{ name if expression == name else expression ~ ' as ' ~ name }}
{%- endmacro %}
