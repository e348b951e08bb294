{#- True when a date or date-time text is a spreadsheet's "zero date": what a blank date
    cell becomes after a round trip through Excel (serial day 0 or 1 of the 1900 date
    system: 1899-12-30, 1899-12-31, 1900-01-00, 1900-01-01, with or without a time, and
    their US or day-first spellings 12/30/1899, 1/0/1900, 30/12/1899, ...). No CRM record
    dates from then: staging reads such a value as blank (salesforce_parse_value), so a
    required column quarantines the row as missing_required_value and an optional one is
    null, and counts the rows that had one (stg_salesforce__row_accounting). -#}
{% macro excel_zero_date(expression) -%}
    {%- set iso = '1899-12-3[01]|1900-01-0[01]' -%}
    {%- set month_first = '12[/.]3[01][/.]1899|0?1[/.]0?[01][/.]1900' -%}
    {%- set day_first = '3[01][/.]12[/.]1899|0?[01][/.]0?1[/.]1900' -%}
    {{ regexp_full_match(expression, '(' ~ iso ~ '|' ~ month_first ~ '|' ~ day_first ~ ')([T ].*)?') }}
{%- endmacro %}
