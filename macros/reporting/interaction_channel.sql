{#- The channel of an interaction (call, email, meeting, other): one rule for the unified
    interactions and the meetings. A task's Type decides, else its TaskSubtype, else words of
    its Subject; an event is a meeting unless its Type says call, email or something else. -#}
{% macro task_interaction_type(task_type, task_subtype, subject) -%}
    case
        when lower({{ task_type }}) like '%call%' then 'call'
        when lower({{ task_type }}) like '%email%' or lower({{ task_type }}) like '%e-mail%' then 'email'
        when lower({{ task_type }}) like '%meeting%' or lower({{ task_type }}) like '%demo%' then 'meeting'
        when {{ task_type }} is not null then 'other'
        when lower({{ task_subtype }}) = 'call' then 'call'
        when lower({{ task_subtype }}) in ('email', 'listemail') then 'email'
        when lower({{ subject }}) like '%call%' then 'call'
        when lower({{ subject }}) like '%email%' or lower({{ subject }}) like '%e-mail%' then 'email'
        when lower({{ subject }}) like '%meeting%' or lower({{ subject }}) like '%demo%' then 'meeting'
        else 'other'
    end
{%- endmacro %}

{% macro event_interaction_type(event_type) -%}
    case
        when lower({{ event_type }}) like '%call%' then 'call'
        when lower({{ event_type }}) like '%email%' then 'email'
        when {{ event_type }} is null or lower({{ event_type }}) like '%meeting%' or lower({{ event_type }}) like '%demo%'
            then 'meeting'
        else 'other'
    end
{%- endmacro %}
