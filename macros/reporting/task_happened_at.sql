{#- When a task took place: its completion time, else its creation when it is completed without
    one or carries no status at all (an export without Status); null for an open task (Not
    Started, In Progress, Deferred, ...), which is a plan, not something that happened. The one
    rule of the interactions (int_interactions_unified) and of meetings held (int_meetings). -#}
{% macro task_happened_at(completed_at, task_status, created_at) -%}
    case
        when {{ completed_at }} is not null then {{ completed_at }}
        when {{ task_status }} is null or lower({{ task_status }}) in ('completed', 'complete', 'done', 'closed')
            then {{ created_at }}
    end
{%- endmacro %}
