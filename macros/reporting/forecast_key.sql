{#- The key of one forecast: whose (grain, grain_id), of which period (period_grain,
    period_start) and when it was made (forecast_date; is_latest for the forecast at the as-of
    moment, which can share its date with a week start's). level='period' leaves out whose: the
    inputs every grain's forecast of a period shares (history periods, scenario sizes). -#}
{% macro forecast_key(level='grain') -%}
    {%- set keys = {
        'grain': ['grain', 'grain_id', 'period_grain', 'period_start', 'forecast_date', 'is_latest'],
        'period': ['period_grain', 'period_start', 'forecast_date', 'is_latest'],
    } -%}
    {%- if level not in keys -%}
        {{ exceptions.raise_compiler_error("forecast_key: unknown level '" ~ level ~ "' (grain or period)") }}
    {%- endif -%}
    {{ return(keys[level]) }}
{%- endmacro %}

{#- The join condition of two relations on the forecast key: left.k = right.k for each column. -#}
{% macro forecast_key_match(left, right, level='grain') -%}
    {%- for column in forecast_key(level) -%}
        {{ ' and ' if not loop.first }}{{ left }}.{{ column }} = {{ right }}.{{ column }}
    {%- endfor -%}
{%- endmacro %}
