{#- Quota attainment of a rep and period: the won amount (known amounts; none is 0) over the
    full quota of the period; null without a quota. At or above quota means >= 1. The one
    rule of tier 2's attainment (rpt_kpi_tier2_diagnostics) and of ramp time (fct_rep_ramp). -#}
{% macro quota_attainment_rate(won_amount, quota_amount) -%}
    cast(coalesce({{ won_amount }}, 0) as {{ type_double() }}) / nullif({{ quota_amount }}, 0)
{%- endmacro %}
