{#- Parses one landed text column by its contract type (see _salesforce__sources.yml,
    _hubspot__sources.yml). A
    spreadsheet's zero date (excel_zero_date) in a date or date-time column is a blank. -#}
{% macro salesforce_parse_value(column_name, column_type) -%}
    {%- if column_type == 'id' -%}
        {{ salesforce_id18(column_name) }}
    {%- elif column_type == 'integer_id' -%}
        {#- a numeric id (HubSpot's Long ids) kept as text, one spelling: digits only -#}
        case when {{ regexp_full_match(column_name, '[0-9]+') }} then {{ column_name }} end
    {%- elif column_type == 'timestamp' -%}
        case when not {{ excel_zero_date(column_name) }} then {{ parse_timestamp_utc(column_name) }} end
    {%- elif column_type == 'date' -%}
        case when not {{ excel_zero_date(column_name) }} then {{ parse_date(column_name) }} end
    {%- elif column_type in ('amount', 'number', 'integer') -%}
        {{ parse_number(column_name, column_type) }}
    {%- elif column_type == 'boolean' -%}
        {{ parse_boolean(column_name) }}
    {%- elif column_type == 'currency_code' -%}
        {#- trimmed by the landing; one spelling for every model: usd and ' eur' are USD, EUR -#}
        upper({{ column_name }})
    {%- elif column_type == 'forecast_category' -%}
        {{ forecast_category_label(column_name) }}
    {%- else -%}
        {{ column_name }}
    {%- endif -%}
{%- endmacro %}
