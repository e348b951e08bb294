{#- The fiscal period grains every KPI table is laid on, shortest first: week (starting on
    the weekday var('week_start_day'), belonging to the fiscal month, quarter and year of its
    first day), month, quarter and year. The one list of them: loops over period grains call
    this macro instead of spelling the grains out. -#}
{% macro period_grains() -%}
    {{ return(['week'] + month_period_grains()) }}
{%- endmacro %}

{#- The period grains made of whole fiscal months (month, quarter, year): the grains quotas
    are set for and monthly inputs (marketing spend) add up to. A week is not made of months:
    figures that exist only per month are null at week grain, never spread over days. -#}
{% macro month_period_grains() -%}
    {{ return(['month', 'quarter', 'year']) }}
{%- endmacro %}

{#- SQL condition: the period grain in `period_grain_column` is made of whole fiscal months. -#}
{% macro is_month_period_grain(period_grain_column) -%}
    {{ period_grain_column }} in ('{{ month_period_grains() | join("', '") }}')
{%- endmacro %}
