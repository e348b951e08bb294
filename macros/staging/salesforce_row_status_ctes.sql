{#- Classifies every raw row of one object exactly once (a CTE named `classified`):
      row_status         staged | deleted | duplicate | quarantined
      quarantine_reason  why a quarantined row could not be staged (seed quarantine_reasons)
    Precedence: a row marked deleted (IsDeleted, _fivetran_deleted) is dropped as deleted;
    a row with a failure (`_row_failure` of `checked_cte`) is quarantined; a second copy of
    an identical clean row is dropped as a duplicate; when two different clean rows share a
    key, all of them are quarantined as conflicting_duplicate_id (neither can be trusted).
    `extra_columns` are carried from checked_cte besides the contract columns. -#}
{% macro salesforce_row_status_ctes(table_name, checked_cte, extra_columns=[]) -%}
{%- if not execute -%}
classified as (
    select * from {{ checked_cte }}
)
{%- else -%}
{%- set spec = salesforce_object_spec(table_name) -%}
{%- set column_names = spec.columns | map(attribute='name') | list -%}
{%- set deleted_expression = '_is_source_deleted' ~ (' or coalesce(is_deleted, false)' if 'is_deleted' in column_names else '') -%}
candidates as (
    select
        *,
        ({{ deleted_expression }}) as _is_deleted,
        (not ({{ deleted_expression }}) and _row_failure is null) as _is_candidate
    from {{ checked_cte }}
),

copies as (
    select
        *,
        row_number() over (
            partition by _is_candidate, {{ column_names | join(', ') }}
            order by _raw_row_number
        ) as _copy_number
    from candidates
),

key_versions as (
    select
        *,
        sum(case when _is_candidate and _copy_number = 1 then 1 else 0 end) over (
            partition by {{ spec.key_columns | join(', ') }}
        ) as _key_version_count
    from copies
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
