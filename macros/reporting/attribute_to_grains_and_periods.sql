{#- Rows of `relation` (a CTE name) repeated for every grain the rep in `rep_column` rolls up
    to (rep, team, company) and every fiscal period grain (period_grains(): week, month,
    quarter, year) the date in `date_column` falls in: adds grain, grain_id, period_grain,
    period_start. Team and
    company figures are then sums over the underlying events, never averages of rep rows. A
    row without a rep (no owner) counts for the company alone (no_owner_rep_id).
    `memberships` is the caller's import CTE of the model mapping ids to grains and
    `member_column` its id column: int_rep_grain_memberships (rep_id), or
    int_user_grain_memberships (user_id) for interactions, which any user logs. -#}
{% macro attribute_to_grains_and_periods(relation, rep_column, date_column, memberships, member_column) -%}
    {%- for period_grain in period_grains() %}
    select
        memberships.grain,
        memberships.grain_id,
        '{{ period_grain }}' as period_grain,
        {{ fiscal_period_start(relation ~ '.' ~ date_column, period_grain) }} as period_start,
        {{ relation }}.*
    from {{ relation }}
    inner join {{ memberships }} as memberships
        on coalesce({{ relation }}.{{ rep_column }}, '{{ no_owner_rep_id() }}') = memberships.{{ member_column }}
    where {{ relation }}.{{ date_column }} is not null
    {{- '\n    union all' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
