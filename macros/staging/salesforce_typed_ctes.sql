{#- Two CTEs for one raw object: <prefix>landed (the text landing) and <prefix>typed, one
    row per raw row with every contract column parsed to its type (ids to the 18-character
    form, timestamps to UTC, dates, amounts, numbers, booleans) and
      _raw_key        the row's key as written in the export (id, or the natural key)
      _parse_failure  the first reason the row cannot be cleaned, or null:
                      missing_id, invalid_id, invalid_timestamp, invalid_date,
                      invalid_amount, invalid_number, invalid_boolean
    Use inside a `with`; the model adds its own checks and then salesforce_row_status_ctes. -#}
{% macro salesforce_typed_ctes(table_name, prefix='') -%}
{{ prefix }}landed as (
    {{ salesforce_landing(table_name) }}
),

{{ prefix }}typed as (
    {%- if not execute %}
    select * from {{ prefix }}landed
    {%- else %}
    {%- set spec = salesforce_object_spec(table_name) %}
    {%- set failure_checks = [] %}
    {%- set column_names = spec.columns | map(attribute='name') | list %}
    {%- if 'id' in spec.key_columns %}
        {%- do failure_checks.append(("id is null", 'missing_id')) %}
    {%- endif %}
    {%- for column in spec.columns %}
        {%- set reason = {
            'id': 'invalid_id', 'timestamp': 'invalid_timestamp', 'date': 'invalid_date',
            'amount': 'invalid_amount', 'number': 'invalid_number', 'integer': 'invalid_number',
            'boolean': 'invalid_boolean'}.get(column.type) %}
        {%- if reason %}
            {%- do failure_checks.append((column.name ~ ' is not null and ' ~ salesforce_parse_value(column.name, column.type) ~ ' is null', reason)) %}
        {%- endif %}
    {%- endfor %}
    select
        _raw_row_number,
        _is_source_deleted,
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
        case
            {%- for condition, reason in failure_checks %}
            when {{ condition }} then '{{ reason }}'
            {%- endfor %}
        end as _parse_failure
    from {{ prefix }}landed
    {%- endif %}
)
{%- endmacro %}
