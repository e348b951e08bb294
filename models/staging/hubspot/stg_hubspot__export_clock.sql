{{ config(materialized='table') }}

{#- One row: the export clock of a HubSpot export, the latest moment the export shows Fivetran
    and HubSpot reaching: the latest _fivetran_synced of any row (a system stamp), or the latest
    record creation when later; and future_timestamp_after, the limit past which a business
    timestamp quarantines its row as future_timestamp (the base models, future_timestamp_check
    with source_name 'hubspot'). The same rule as Salesforce's (export_clock_ctes). Read from
    the landed stamps (stg_hubspot__export_stamps), never from the base models that check rows
    against it, and independent of the var as_of. -#}

with {{ export_clock_ctes(ref('stg_hubspot__export_stamps')) }}

select * from with_tolerance
