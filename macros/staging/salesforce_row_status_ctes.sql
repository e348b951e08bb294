{#- Classifies every raw row of one object exactly once (a CTE named `classified`):
      row_status         staged | deleted | duplicate | quarantined
      quarantine_reason  why a quarantined row could not be staged (seed quarantine_reasons)
    Precedence: a row marked deleted (IsDeleted, _fivetran_deleted) is dropped as deleted;
    a row with a failure (`_row_failure` of `checked_cte`) is quarantined; a second copy of
    an identical clean row is dropped as a duplicate; when two different clean rows share a
    key, all of them are quarantined as conflicting_duplicate_id (neither can be trusted).
    `extra_columns` are carried from checked_cte besides the contract columns (and
    _has_excel_zero_date of salesforce_typed_ctes, always). source_name: the CRM's source
    (salesforce or hubspot), as in salesforce_typed_ctes.

    Cost: only rows whose key is shared by several clean rows can be copies or conflicts, so
    the full-row comparison (a window over every column) runs on those rows alone; every
    other row is classified by one aggregate on the key. `candidates` is computed once (the
    parsing of checked_cte is the expensive part).

    track_raw_rows (with salesforce_typed_ctes' track_raw_rows): every row also carries
    _raw_row_hash and _build_fingerprint (audit_build_fingerprint), and in an incremental
    run (strategy replace_raw_rows) checked_cte holds only the raw rows parsed now. The
    keys of those rows, and the keys the replaced or vanished stored rows had, are the
    affected keys; the stored rows of affected keys that did not change are taken back from
    the table as they were parsed (their failure and deleted mark read from their status),
    and all rows of the affected keys are classified together, exactly as a full build
    classifies them. Rows of other keys cannot change status and are left alone. -#}
{% macro salesforce_row_status_ctes(table_name, checked_cte, extra_columns=[], track_raw_rows=false, source_name='salesforce') -%}
{%- if not execute -%}
classified as (
    select * from {{ checked_cte }}
)
{%- else -%}
{%- set spec = salesforce_object_spec(table_name, source_name) -%}
{%- set column_names = spec.columns | map(attribute='name') | list -%}
{%- set deleted_expression = '_is_source_deleted' ~ (' or coalesce(is_deleted, false)' if 'is_deleted' in column_names else '') -%}
{%- set carried_columns = ['_raw_row_number', '_raw_key', '_has_excel_zero_date'] + column_names + extra_columns + (['_raw_row_hash'] if track_raw_rows else []) -%}
{%- if track_raw_rows and is_incremental() -%}
{%- set build_fingerprint = audit_build_fingerprint(table_name) -%}
fresh_rows as {{ materialized_cte() }} (
    select
        {%- for column in carried_columns %}
        {{ column }},
        {%- endfor %}
        ({{ deleted_expression }}) as _is_deleted,
        _row_failure
    from {{ checked_cte }}
),

affected_keys as (
    select {{ spec.key_columns | join(', ') }}
    from fresh_rows
    union
    select {{ spec.key_columns | join(', ') }}
    from {{ this }}
    where
        _raw_row_number in (select _raw_row_number from fresh_rows)
        or _raw_row_number > (select raw_row_count from raw_row_count)
),

kept_rows as (
    select
        {%- for column in carried_columns %}
        stored.{{ column }},
        {%- endfor %}
        stored.row_status = 'deleted' as _is_deleted,
        case
            when stored.row_status = 'quarantined' and stored.quarantine_reason != 'conflicting_duplicate_id'
                then stored.quarantine_reason
        end as _row_failure
    from {{ this }} as stored
    inner join affected_keys
        on
        {%- for key in spec.key_columns %}
        {{ 'and ' if not loop.first }}stored.{{ key }} is not distinct from affected_keys.{{ key }}
        {%- endfor %}
    where
        stored._build_fingerprint = '{{ build_fingerprint }}'
        and stored._raw_row_number <= (select raw_row_count from raw_row_count)
        and stored._raw_row_number not in (select _raw_row_number from fresh_rows)
),

fresh_and_kept_rows as (
    select * from fresh_rows
    union all
    select * from kept_rows
),

candidates as {{ materialized_cte() }} (
    select
        *,
        (not _is_deleted and _row_failure is null) as _is_candidate
    from fresh_and_kept_rows
),
{%- else %}
candidates as {{ materialized_cte() }} (
    select
        *,
        ({{ deleted_expression }}) as _is_deleted,
        (not ({{ deleted_expression }}) and _row_failure is null) as _is_candidate
    from {{ checked_cte }}
),
{%- endif %}

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
        _has_excel_zero_date,
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
        {%- if track_raw_rows %},
        _raw_row_hash,
        '{{ audit_build_fingerprint(table_name) }}' as _build_fingerprint
        {%- endif %}
    from key_versions
)
{%- endif -%}
{%- endmacro %}
