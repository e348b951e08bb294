{{ config(materialized='table') }}

{#- One row per HubSpot table: where its raw rows went (the same columns as
    stg_salesforce__row_accounting, macro row_accounting_select; object_name is the table's
    name). -#}

{{ row_accounting_select(hubspot_audited_tables()) }}
