{#- The rows of `relation` whose `timestamp_column` is at or before the export's as-of time,
    every column of the relation. `relation` is a relation (a ref), not a CTE name: its
    columns are read from the warehouse. `as_of` names the caller's import CTE of
    stg_crm__export_as_of (one row, column as_of), declared before the CTE that calls this.
    Rows with a null timestamp are left out, or kept with keep_undated=true (for an optional
    creation time: a lead or account the export does not date cannot be placed after the
    as-of time).

    The cut is computed as a flag and then filtered on: written as a filter inside the join
    with the one-row as-of table, DuckDB estimates that a handful of rows pass and then builds
    its hash tables on these millions of rows instead of on the small side of later joins
    (out of memory on large exports). -#}
{% macro rows_up_to_as_of(relation, timestamp_column, as_of, keep_undated=false) -%}
    {%- set columns = adapter.get_columns_in_relation(relation) if execute else [] -%}
    select
        {%- for column in columns %}
        rows_dated.{{ adapter.quote(column.name) }}{{ ',' if not loop.last }}
        {%- else %}
        rows_dated.*
        {%- endfor %}
    from (
        select
            rows_to_cut.*,
            coalesce(rows_to_cut.{{ timestamp_column }} <= as_of.as_of, {{ 'true' if keep_undated else 'false' }})
                as _is_up_to_as_of
        from {{ relation }} as rows_to_cut
        cross join {{ as_of }} as as_of
    ) as rows_dated
    where rows_dated._is_up_to_as_of
{%- endmacro %}
