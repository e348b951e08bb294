{#- Rows of `relation` (a CTE name that already carries period_grain and period_start)
    repeated for every grain the rep in `rep_column` rolls up to (rep, team, company): adds
    grain and grain_id. `memberships` names the caller's import CTE of the grain memberships
    and `member_column` its id column (int_rep_grain_memberships: rep_id;
    int_user_grain_memberships: user_id). A row without a rep (no owner) counts for the
    company alone (no_owner_rep_id). -#}
{% macro attribute_to_grains(relation, rep_column, memberships, member_column) -%}
    select
        memberships.grain,
        memberships.grain_id,
        {{ relation }}.*
    from {{ relation }}
    inner join {{ memberships }} as memberships
        on coalesce({{ relation }}.{{ rep_column }}, '{{ no_owner_rep_id() }}') = memberships.{{ member_column }}
{%- endmacro %}
