{#- The moment of a change of a deal, never before the deal's creation: a change recorded
    earlier (a clock or import problem: Salesforce records none) is moved to the creation
    moment. changed_before_creation is the flag that goes with it (false when either is
    unknown). The one rule for OpportunityHistory and OpportunityFieldHistory. -#}
{% macro not_before_creation(changed_at, created_at) -%}
    case
        when {{ changed_at }} < {{ created_at }} then {{ created_at }}
        else {{ changed_at }}
    end
{%- endmacro %}

{% macro changed_before_creation(changed_at, created_at) -%}
    coalesce({{ changed_at }} < {{ created_at }}, false)
{%- endmacro %}
