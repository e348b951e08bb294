{#- Rows of `relation` (a CTE name that already carries period_grain and period_start)
    repeated for every grain the rep in `rep_column` rolls up to (rep, team, company): adds
    grain and grain_id. A row without a rep (no owner) counts for the company alone
    (no_owner_rep_id). -#}
{% macro attribute_to_grains(relation, rep_column) -%}
    select
        memberships.grain,
        memberships.grain_id,
        {{ relation }}.*
    from {{ relation }}
    inner join {{ ref('int_rep_grain_memberships') }} as memberships
        on coalesce({{ relation }}.{{ rep_column }}, '{{ no_owner_rep_id() }}') = memberships.rep_id
{%- endmacro %}
