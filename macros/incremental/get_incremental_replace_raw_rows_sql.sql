{#- Incremental strategy for the staging base models (one row per raw row, keyed by the
    row's position in the export, _raw_row_number). The new batch holds every row that has
    to be written again (changed or new raw rows, and the rows that share a key with them)
    and always the export's last row. The strategy deletes the target's rows at those
    positions and every row past the last position (raw rows that vanished because the
    export got shorter; an empty batch means an empty export), then inserts the batch. -#}
{% macro get_incremental_replace_raw_rows_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set batch = arg_dict['temp_relation'] -%}
    {%- set columns = arg_dict['dest_columns'] | map(attribute='quoted') | join(', ') -%}
    delete from {{ target }}
    where
        _raw_row_number in (select _raw_row_number from {{ batch }})
        or _raw_row_number > (select coalesce(max(_raw_row_number), 0) from {{ batch }});

    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ batch }};
{%- endmacro %}
