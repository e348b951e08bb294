{#- For a model built key by key (strategy replace_keys): in an incremental run, the CTE
    `changed_keys` holds the keys whose fingerprint in `fingerprints_cte` (one row per key
    that has inputs: <key>, _key_fingerprint) differs from the one stored with the key's rows,
    and the keys stored that have no inputs any more. Outside an incremental run it is not
    defined: call `only_changed_keys` to filter the inputs, which is then a no-op.

    The fingerprint of a key must cover every input its rows are computed from: the key's
    own rows in each input (an order-free sum of row hashes) and, hashed into every key, the
    inputs all keys share (a lookup table, a var). -#}
{% macro changed_keys_ctes(key, fingerprints_cte) -%}
{%- if is_incremental() %}
{{- require_stored_columns([key, '_key_fingerprint']) }}
stored_key_fingerprints as (
    select distinct
        {{ key }},
        _key_fingerprint
    from {{ this }}
),

changed_keys as {{ materialized_cte() }} (
    select coalesce(current_fingerprints.{{ key }}, stored_key_fingerprints.{{ key }}) as {{ key }}
    from {{ fingerprints_cte }} as current_fingerprints
    full outer join stored_key_fingerprints
        on current_fingerprints.{{ key }} = stored_key_fingerprints.{{ key }}
    where current_fingerprints._key_fingerprint is distinct from stored_key_fingerprints._key_fingerprint
),
{%- endif %}
{%- endmacro %}

{#- A where-clause condition keeping the rows of changed keys in an incremental run (true
    otherwise). -#}
{% macro only_changed_keys(column, key) -%}
    {%- if is_incremental() -%}
        {{ column }} in (select {{ key }} from changed_keys)
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- The marker rows of the changed keys (see get_incremental_replace_keys_sql), to follow
    the model's final select: `columns` are the model's columns in order, less
    _key_fingerprint, which comes last. -#}
{% macro changed_key_markers(key, columns) -%}
    {%- if is_incremental() %}
    union all
    select
        {%- for column in columns %}
        {{ key if column == key else 'null' }} as {{ column }},
        {%- endfor %}
        null as _key_fingerprint
    from changed_keys
    {%- endif %}
{%- endmacro %}
