{#- Classifies every raw row of one object exactly once (a CTE named `classified`):
      row_status         staged | deleted | duplicate | quarantined
      quarantine_reason  why a quarantined row could not be staged (seed quarantine_reasons)
    Precedence: a row marked deleted (IsDeleted, _fivetran_deleted) is dropped as deleted;
    a row with a failure (`_row_failure` of `checked_cte`) is quarantined; a second copy of
    an identical clean row is dropped as a duplicate; when two different clean rows share a
    key, all of them are quarantined as conflicting_duplicate_id (neither can be trusted).
    `extra_columns` are carried from checked_cte besides the contract columns.

    Cost: only rows whose key is shared by several clean rows can be copies or conflicts, so
    the full-row comparison (a window over every column) runs on those rows alone; every
    other row is classified by one aggregate on the key. `candidates` is computed once (the
    parsing of checked_cte is the expensive part). -#}
{% macro salesforce_row_status_ctes(table_name, checked_cte, extra_columns=[]) -%}
{%- if not execute -%}
classified as (
    select * from {{ checked_cte }}
)
{%- else -%}
{%- set spec = salesforce_object_spec(table_name) -%}
{%- set column_names = spec.columns | map(attribute='name') | list -%}
{%- set deleted_expression = '_is_source_deleted' ~ (' or coalesce(is_deleted, false)' if 'is_deleted' in column_names else '') -%}
candidates as {{ materialized_cte() }} (
    select
        *,
        ({{ deleted_expression }}) as _is_deleted,
        (not ({{ deleted_expression }}) and _row_failure is null) as _is_candidate
    from {{ checked_cte }}
),

shared_keys as (
    select {{ spec.key_columns | join(', ') }}
    from candidates
    where _is_candidate
    group by {{ spec.key_columns | join(', ') }}
    having count(*) > 1
),

shared_key_rows as (
    select candidates.*
    from candidates
    inner join shared_keys
        on
        {%- for key in spec.key_columns %}
        {{ 'and ' if not loop.first }}candidates.{{ key }} is not distinct from shared_keys.{{ key }}
        {%- endfor %}
    where candidates._is_candidate
),

copies as (
    select
        _raw_row_number,
        {{ spec.key_columns | join(', ') }},
        row_number() over (
            partition by {{ column_names | join(', ') }}
            order by _raw_row_number
        ) as _copy_number
    from shared_key_rows
),

shared_key_versions as (
    select
        _raw_row_number,
        _copy_number,
        sum(case when _copy_number = 1 then 1 else 0 end) over (
            partition by {{ spec.key_columns | join(', ') }}
        ) as _key_version_count
    from copies
),

key_versions as (
    select
        candidates.*,
        coalesce(shared_key_versions._copy_number, 1) as _copy_number,
        coalesce(shared_key_versions._key_version_count, 1) as _key_version_count
    from candidates
    left join shared_key_versions
        on candidates._raw_row_number = shared_key_versions._raw_row_number
),

classified as (
    select
        _raw_row_number,
        _raw_key,
        {%- for column in column_names + extra_columns %}
        {{ column }},
        {%- endfor %}
        case
            when _is_deleted then 'deleted'
            when _row_failure is not null then 'quarantined'
            when _copy_number > 1 then 'duplicate'
            when _key_version_count > 1 then 'quarantined'
            else 'staged'
        end as row_status,
        case
            when _is_deleted then null
            when _row_failure is not null then _row_failure
            when _copy_number > 1 then null
            when _key_version_count > 1 then 'conflicting_duplicate_id'
        end as quarantine_reason
    from key_versions
)
{%- endif -%}
{%- endmacro %}
