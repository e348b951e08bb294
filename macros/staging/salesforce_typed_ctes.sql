{#- Two CTEs for one raw object: <prefix>landed (the text landing) and <prefix>typed, one
    row per raw row with every contract column parsed to its type (ids to the 18-character
    form, timestamps to UTC, dates, amounts, numbers, booleans) and
      _raw_key        the row's key as written in the export (id, or the natural key)
      _has_excel_zero_date  a date or date-time column held a spreadsheet zero date, read
                      as blank (excel_zero_date)
      _parse_failure  the first reason the row cannot be cleaned, or null:
                      missing_id, invalid_id, invalid_timestamp, invalid_date,
                      invalid_amount, invalid_number, invalid_boolean
    (a pass-through column, var revops_opportunity_pass_through_columns, is parsed too, but a
    value that does not parse is null, never a failure)
    Salesforce's empty id (000000000000000AAA) is a null id: a blank lookup, and for the
    record's own id a missing one.
    Use inside a `with`; the model adds its own checks and then salesforce_row_status_ctes.
    source_name: the CRM's source the table belongs to (salesforce, or hubspot: the same
    landing, parsing and failure reasons for the Fivetran HubSpot tables).

    track_raw_rows (base models built incrementally, with salesforce_row_status_ctes'
    track_raw_rows): each row also carries
      _raw_row_hash       a hash of the raw row as landed (every column, and the deleted mark)
    and in an incremental run only the raw rows that are new or changed since the last run
    (a different hash at their position), and the last row, are parsed, and the CTE
    raw_row_count holds the number of raw rows. Rows whose verdict depends on more than the row
    itself are parsed again too, although their raw row did not change:
      reparse_stored_where  a condition over the stored audit rows (the export clock:
                            future_timestamp_reparse_condition);
      recheck_cte           names a CTE of the model, defined before this macro's, of
                            _raw_row_number values (rows whose checks read another object,
                            parent_opportunity_check, whose verdict has changed since). -#}
{% macro salesforce_typed_ctes(table_name, prefix='', track_raw_rows=false, reparse_stored_where=none, recheck_cte=none, source_name='salesforce') -%}
{%- if track_raw_rows and prefix != '' -%}
    {{ exceptions.raise_compiler_error("salesforce_typed_ctes: track_raw_rows is for a base model's own object (no prefix); salesforce_row_status_ctes reads its raw_row_count") }}
{%- endif -%}
{{ prefix }}landed as (
    {{ salesforce_landing(table_name, source_name=source_name) }}
),
{%- if track_raw_rows %}

{{ prefix }}landed_hashed as (
    select
        *,
        {%- if execute %}
        {{ raw_row_fingerprint(['_is_source_deleted'] + (salesforce_object_spec(table_name, source_name).columns | map(attribute='name') | list)) }}
            as _raw_row_hash
        {%- else %}
        0 as _raw_row_hash
        {%- endif %}
    from {{ prefix }}landed
),
{%- if is_incremental() %}
{{- require_stored_columns(['_raw_row_number', '_raw_row_hash', '_build_fingerprint', '_has_excel_zero_date'] + (salesforce_object_spec(table_name, source_name).columns | map(attribute='name') | list)) }}

{{ prefix }}raw_row_count as (
    {{ salesforce_landing(table_name, row_count_only=true, source_name=source_name) }}
),

-- the positions whose raw row is the one stored, under the same build fingerprint
{{ prefix }}stored_raw_rows as (
    select
        _raw_row_number,
        _raw_row_hash
    from {{ this }}
    where _build_fingerprint = '{{ audit_build_fingerprint(table_name) }}'
),
{%- if reparse_stored_where is not none %}

-- stored rows whose verdict may have changed with the rest of the export
{{ prefix }}reparsed_raw_rows as (
    select _raw_row_number
    from {{ this }}
    where {{ reparse_stored_where }}
),
{%- endif %}

{{ prefix }}landed_changed as (
    select {{ prefix }}landed_hashed.*
    from {{ prefix }}landed_hashed
    cross join {{ prefix }}raw_row_count
    left join {{ prefix }}stored_raw_rows
        on
            {{ prefix }}landed_hashed._raw_row_number = {{ prefix }}stored_raw_rows._raw_row_number
            and {{ prefix }}landed_hashed._raw_row_hash = {{ prefix }}stored_raw_rows._raw_row_hash
    where
        {{ prefix }}stored_raw_rows._raw_row_number is null
        or {{ prefix }}landed_hashed._raw_row_number = {{ prefix }}raw_row_count.raw_row_count
        {%- if reparse_stored_where is not none %}
        or {{ prefix }}landed_hashed._raw_row_number in (select _raw_row_number from {{ prefix }}reparsed_raw_rows)
        {%- endif %}
        {%- if recheck_cte %}
        or {{ prefix }}landed_hashed._raw_row_number in (select _raw_row_number from {{ recheck_cte }})
        {%- endif %}
),
{%- endif %}
{%- endif %}
{%- set parsed_from = prefix ~ ('landed_changed' if track_raw_rows and is_incremental() else 'landed_hashed' if track_raw_rows else 'landed') %}

{{ prefix }}typed as (
    {%- if not execute %}
    select * from {{ parsed_from }}
    {%- else %}
    {%- set spec = salesforce_object_spec(table_name, source_name) %}
    {%- set failure_checks = [] %}
    {%- set column_names = spec.columns | map(attribute='name') | list %}
    {%- if 'id' in spec.key_columns %}
        {%- do failure_checks.append(("id is null or " ~ salesforce_empty_id('id'), 'missing_id')) %}
    {%- endif %}
    {%- for column in spec.columns | rejectattr('pass_through') %}
        {%- set reason = salesforce_parse_failure_by_type().get(column.type) %}
        {%- if reason in ('invalid_date', 'invalid_timestamp') %}
            {%- do failure_checks.append((column.name ~ ' is not null and not ' ~ excel_zero_date(column.name) ~ ' and ' ~ salesforce_parse_value(column.name, column.type) ~ ' is null', reason)) %}
        {%- elif reason == 'invalid_id' %}
            {%- do failure_checks.append((column.name ~ ' is not null and not ' ~ salesforce_empty_id(column.name) ~ ' and ' ~ salesforce_parse_value(column.name, column.type) ~ ' is null', reason)) %}
        {%- elif reason %}
            {%- do failure_checks.append((column.name ~ ' is not null and ' ~ salesforce_parse_value(column.name, column.type) ~ ' is null', reason)) %}
        {%- endif %}
    {%- endfor %}
    select
        _raw_row_number,
        _is_source_deleted,
        {%- if track_raw_rows %}
        _raw_row_hash,
        {%- endif %}
        {%- if spec.key_columns | length == 1 %}
        {{ spec.key_columns[0] }} as _raw_key,
        {%- else %}
        {%- for key in spec.key_columns %}
        coalesce({{ key }}, '') {{- " || '|' ||" if not loop.last else " as _raw_key," }}
        {%- endfor %}
        {%- endif %}
        {%- for column in spec.columns %}
        {{ salesforce_parse_value(column.name, column.type) }} as {{ column.name }},
        {%- endfor %}
        {%- set zero_date_columns = spec.columns | rejectattr('pass_through') | selectattr('type', 'in', ['date', 'timestamp']) | map(attribute='name') | list %}
        {%- if zero_date_columns %}
        coalesce(
            {%- for column in zero_date_columns %}
            {{ excel_zero_date(column) }}{{ ' or' if not loop.last }}
            {%- endfor %},
            false
        ) as _has_excel_zero_date,
        {%- else %}
        false as _has_excel_zero_date,
        {%- endif %}
        {%- if failure_checks %}
        case
            {%- for condition, reason in failure_checks %}
            when {{ condition }} then '{{ reason }}'
            {%- endfor %}
        end as _parse_failure
        {%- else %}
        cast(null as {{ dbt.type_string() }}) as _parse_failure
        {%- endif %}
    from {{ parsed_from }}
    {%- endif %}
)
{%- endmacro %}


{#- The reasons salesforce_typed_ctes gives a row that does not parse (_parse_failure): by
    column type; and every one of them (with missing_id), for a model that tells a row that
    does not parse from one a later check quarantined by its quarantine_reason. -#}
{% macro salesforce_parse_failure_by_type() -%}
    {{ return({
        'id': 'invalid_id', 'timestamp': 'invalid_timestamp', 'date': 'invalid_date',
        'amount': 'invalid_amount', 'number': 'invalid_number', 'integer': 'invalid_number',
        'boolean': 'invalid_boolean', 'integer_id': 'invalid_id'}) }}
{%- endmacro %}

{% macro salesforce_parse_failure_reasons() -%}
    {{ return(['missing_id'] + (salesforce_parse_failure_by_type().values() | unique | sort)) }}
{%- endmacro %}
