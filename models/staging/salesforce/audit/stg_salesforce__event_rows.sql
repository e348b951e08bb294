{#- Incremental on DuckDB: a run parses only the raw rows that changed since the last one
    (see salesforce_typed_ctes and the replace_raw_rows strategy); --full-refresh rebuilds. -#}
{{ config(
    materialized='incremental' if target.type == 'duckdb' else 'table',
    incremental_strategy='replace_raw_rows',
    on_schema_change='fail',
) }}

with
{{ salesforce_typed_ctes('event', track_raw_rows=true) }},

checked as (
    select
        *,
        coalesce(_parse_failure, {{ required_values_check(['created_date']) }}) as _row_failure
    from typed
),

{{ salesforce_row_status_ctes('event', 'checked', track_raw_rows=true) }}

select * from classified
