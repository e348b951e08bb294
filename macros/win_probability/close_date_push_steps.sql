{#- The close-date pushes of each deal (int_close_date_changes.is_push), each in force until the
    next one: the select of a CTE with opportunity_id, changed_at, pushes_so_far (1 for the
    first push) and next_push_at (null for the last). A moment's pushes so far are those of the
    step with changed_at <= moment < next_push_at, 0 before the first: the one rule of "times
    the close date was pushed so far" (the win-probability features, int_open_deals_at_dates). -#}
{% macro close_date_push_steps(close_date_changes) -%}
    select
        opportunity_id,
        changed_at,
        row_number() over deal_order as pushes_so_far,
        lead(changed_at) over deal_order as next_push_at
    from {{ close_date_changes }}
    where is_push
    window deal_order as (partition by opportunity_id order by changed_at, change_record_id)
{%- endmacro %}
