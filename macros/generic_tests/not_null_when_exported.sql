{#- not_null, for a value that comes from an optional contract column: it holds when the
    export carries the column (a blank value there is quarantined in staging), and does not
    apply when the export lacks it, where the value is null by design (deal owners when
    Opportunity has no OwnerId: such deals count for the company alone). `salesforce_table`
    and `salesforce_column` name the source column (see salesforce_exported_columns). -#}
{% test not_null_when_exported(model, column_name, salesforce_table, salesforce_column) %}

{%- if crm_source() == 'hubspot' %}
    {%- set hubspot_column = hubspot_column_for(salesforce_table, salesforce_column) %}
    {%- set applies = hubspot_column.column in salesforce_exported_columns(hubspot_column.table, 'hubspot') %}
{%- else %}
    {%- set applies = salesforce_column in salesforce_exported_columns(salesforce_table) %}
{%- endif %}

select {{ column_name }}
from {{ model }}
where
    {{ column_name }} is null
    {%- if not applies %}
    -- the export has no {{ salesforce_table }}.{{ salesforce_column }}: nothing to check
    and 1 = 0
    {%- endif %}

{% endtest %}
