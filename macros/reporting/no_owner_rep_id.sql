{#- The rep id that records without an owner are attributed to (deals when the export has no
    Opportunity.OwnerId, a task, event, lead or account with a blank owner): a membership of
    the company only (int_rep_grain_memberships), never a rep or a team row. Not a Salesforce
    id, so it cannot collide with one. attribute_to_grains* join coalesce(owner, this). -#}
{% macro no_owner_rep_id() -%}
    {{- return('(no owner)') -}}
{%- endmacro %}
