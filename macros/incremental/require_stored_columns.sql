{#- In an incremental run, stop with a clear message when the stored table lacks a column
    the run reads, a bookkeeping column or one the export contract gained (a table built by
    an earlier version of the project, or by hand): such a table can only be rebuilt. -#}
{% macro require_stored_columns(columns) -%}
    {%- if execute and is_incremental() -%}
        {%- set stored = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
        {%- set missing = columns | reject('in', stored) | list -%}
        {%- if missing -%}
            {{ exceptions.raise_compiler_error(
                this ~ " has no column " ~ missing | join(', ') ~ ": it was built by an earlier version"
                ~ " of the project. Rebuild it once: `revops-kpis run --full-refresh` (or dbt with"
                ~ " --full-refresh).") }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
