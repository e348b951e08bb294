{#- The final select of a mart: every column of the model's YAML contract, in its order,
    cast to its declared data_type, from the CTE `relation`. The YAML is then the one place
    a mart's columns and types are defined, and engines that widen types differently
    (sum of integers to int128, decimal sums to wider decimals) still publish the same.
    The types are spelled as the target spells them (contract_data_type). Numbers with
    decimals are rounded to the published precision of their kind first (publish_round,
    publish_kind): money to cents, durations and rates to a fixed number of places.
    A unit test sees no contract (dbt gives it no columns): it reads the CTE as it is, so the
    rounding is checked on the built marts (tests/python/test_rebuild_identical.py).
    extra_columns: columns outside the YAML, appended as they are (dim_opportunities'
    pass-through columns; the model's contract is then not enforced). -#}
{% macro select_contract_columns(relation, extra_columns=[]) -%}
    {%- if not execute or model.columns | length == 0 -%}
        select * from {{ relation }}
    {%- else -%}
    select
        {%- for column in model.columns.values() %}
        {%- set kind = publish_kind(column, model.name) %}
        {%- set value = publish_round(column.name, kind) if kind else column.name %}
        cast({{ value }} as {{ contract_data_type(column.data_type) }}) as {{ column.name }}{{ ',' if not loop.last or extra_columns }}
        {%- endfor %}
        {%- for column in extra_columns %}
        {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ relation }}
    {%- endif -%}
{%- endmacro %}
