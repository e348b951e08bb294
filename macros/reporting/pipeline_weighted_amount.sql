{#- A deal's weighted pipeline amount: its amount (corporate currency) x its win probability,
    in cents (rounded half away from zero, as published money is): the one rule
    fct_pipeline_snapshots and rpt_pipeline_daily weigh a deal by, so their sums agree to the
    cent. Null when either is unknown. -#}
{% macro pipeline_weighted_amount(amount, win_probability) -%}
    {{ publish_decimal('cast(' ~ amount ~ ' as ' ~ type_double() ~ ') * ' ~ win_probability, 'amount') }}
{%- endmacro %}
