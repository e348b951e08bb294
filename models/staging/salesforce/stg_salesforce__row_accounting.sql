{{ config(materialized='table') }}

{#- One row per Salesforce object: where its raw rows went (macro row_accounting_select). -#}

{{ row_accounting_select(salesforce_audited_objects()) }}
