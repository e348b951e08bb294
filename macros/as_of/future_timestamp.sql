{#- The export clock and the `future_timestamp` quarantine (docs/kpi_definitions.md, "As of").

    salesforce_own_system_stamp(table_name): the row's latest system stamp (LastModifiedDate,
    SystemModstamp), over the parsed columns of the object's base model; null when the object's
    contract has neither or the row carries none.

    salesforce_created_after_own_stamp(table_name, created_column): true when the row's
    CreatedDate is later than its own latest system stamp (Salesforce sets both from one clock
    and never the first after the second).

    future_timestamp_check(table_name, happened_at=[], created_column=none): 'future_timestamp'
    when the row records something as happening after the export was taken, else null:
      - a business timestamp (`happened_at`: [(column, 'timestamp' | 'date')], the moments
        something happened) or a record's CreatedDate (`created_column`) later than
        stg_salesforce__export_clock.future_timestamp_after (the export clock plus its
        tolerance); a date counts from its midnight in the reporting time zone;
      - a business timestamp (date-times only: a date has no time to compare) or the CreatedDate
        (`created_column`) later than the row's own latest system stamp.
    Checked last among a row's failures (the incremental base models rely on it: see
    future_timestamp_reparse_condition).

    future_timestamp_reparse_condition(happened_at, created_column=none): over a stored audit row, true
    when its future_timestamp verdict may differ under the current clock (it was quarantined
    future_timestamp, or one of its business timestamps or its CreatedDate is past the current limit): an
    incremental run parses those rows again (salesforce_typed_ctes' reparse_stored_where).

    source_name (every macro here; default salesforce): the CRM of the table. For hubspot the
    clock is stg_hubspot__export_clock and a row's own system stamp is its `_fivetran_synced`
    (when Fivetran loaded it: nothing it records happened later); a created_column is the
    row's creation property (property_createdate, property_hs_createdate). The rule is the
    same. -#}
{% macro salesforce_own_system_stamp(table_name, source_name='salesforce') -%}
    {%- set names = salesforce_object_spec(table_name, source_name).columns | map(attribute='name') | list if execute else [] -%}
    {%- set stamps = [] -%}
    {%- set stamp_columns = ['_fivetran_synced'] if source_name == 'hubspot' else ['system_modstamp', 'last_modified_date'] -%}
    {%- for column in stamp_columns -%}
        {%- if column in names -%}
            {%- do stamps.append(column) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if stamps | length == 0 -%}
    cast(null as {{ dbt.type_timestamp() }})
    {%- elif stamps | length == 1 -%}
    {{ stamps[0] }}
    {%- else -%}
    case when {{ stamps[1] }} is null or {{ stamps[0] }} >= {{ stamps[1] }} then {{ stamps[0] }} else {{ stamps[1] }} end
    {%- endif -%}
{%- endmacro %}

{% macro salesforce_created_after_own_stamp(table_name, created_column, source_name='salesforce') -%}
    coalesce({{ created_column }} > {{ salesforce_own_system_stamp(table_name, source_name) }}, false)
{%- endmacro %}

{% macro future_timestamp_limit_check(happened_at, source_name='salesforce') -%}
    {%- set checks = [] -%}
    {%- for column, column_type in happened_at -%}
        {%- set moment = reporting_midnight_utc(column) if column_type == 'date' else column -%}
        {%- do checks.append(moment ~ " > (select future_timestamp_after from " ~ ref('stg_' ~ source_name ~ '__export_clock') ~ ")") -%}
    {%- endfor -%}
    {%- if checks | length == 0 -%}
    false
    {%- else -%}
    coalesce({{ checks | join(' or ') }}, false)
    {%- endif -%}
{%- endmacro %}

{% macro future_timestamp_check(table_name, happened_at=[], created_column=none, source_name='salesforce') -%}
    {%- set own_checks = [] -%}
    {%- for column, column_type in happened_at -%}
        {%- if column_type == 'timestamp' -%}
            {%- do own_checks.append(salesforce_created_after_own_stamp(table_name, column, source_name)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if created_column is not none -%}
        {%- do own_checks.append(salesforce_created_after_own_stamp(table_name, created_column, source_name)) -%}
    {%- endif -%}
    {%- set limited = happened_at + ([(created_column, 'timestamp')] if created_column is not none else []) %}
    case
        when {{ future_timestamp_limit_check(limited, source_name) }}
            {%- for check in own_checks %}
            or {{ check }}
            {%- endfor %}
            then 'future_timestamp'
    end
{%- endmacro %}

{% macro future_timestamp_reparse_condition(happened_at, created_column=none) -%}
    {%- set limited = happened_at + ([(created_column, 'timestamp')] if created_column is not none else []) -%}
    (quarantine_reason = 'future_timestamp' or {{ future_timestamp_limit_check(limited) }})
{%- endmacro %}
