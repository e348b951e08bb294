{#- Incremental strategy for models rebuilt key by key (config unique_key, e.g. an
    opportunity): the batch holds every row of each key whose inputs changed, plus one marker
    row per such key with a null _key_fingerprint, so that a key whose rows all went away
    (a deal that lost its last interaction, a deal deleted) is deleted too. The strategy
    deletes the target's rows of the batch's keys and inserts the batch's rows, less the
    markers. See changed_keys_ctes. -#}
{% macro get_incremental_replace_keys_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set batch = arg_dict['temp_relation'] -%}
    {%- set key = arg_dict['unique_key'] -%}
    {%- if key is none or key is not string -%}
        {{ exceptions.raise_compiler_error("The replace_keys strategy needs one column as unique_key, got " ~ key) }}
    {%- endif -%}
    {%- set columns = arg_dict['dest_columns'] | map(attribute='quoted') | join(', ') -%}
    delete from {{ target }}
    where {{ key }} in (select {{ key }} from {{ batch }});

    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ batch }}
    where _key_fingerprint is not null;
{%- endmacro %}
