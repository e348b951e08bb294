{#- not_null, for a value that comes from an optional contract column: it holds when the
    export carries the column (a blank value there is quarantined in staging), and does not
    apply when the export lacks it, where the value is null by design (deal owners when
    Opportunity has no OwnerId: such deals count for the company alone). `salesforce_table`
    and `salesforce_column` name the source column, whichever CRM the export comes from (macro
    crm_column_exported, beside the CRM switch). -#}
{% test not_null_when_exported(model, column_name, salesforce_table, salesforce_column) %}

{%- set applies = crm_column_exported(salesforce_table, salesforce_column) %}

select {{ column_name }}
from {{ model }}
where
    {{ column_name }} is null
    {%- if not applies %}
    -- the export has no {{ salesforce_table }}.{{ salesforce_column }}: nothing to check
    and 1 = 0
    {%- endif %}

{% endtest %}
