{{ config(materialized='table') }}

{#- One row: the export clock, the latest moment the export shows Salesforce's own clock
    reaching: the latest system stamp (LastModifiedDate, SystemModstamp) of any row, or the
    latest CreatedDate of a record object when later (an export without system stamps has
    only those). Business timestamps (history changes, task completions, lead conversions)
    are not part of it: they are checked against it. future_timestamp_after = the clock plus
    a tolerance; a business timestamp after it quarantines its row as future_timestamp. With
    system stamps in the export the tolerance is future_timestamp_tolerance_hours (the
    objects of one export are not taken at the same second); without any, the clock is only
    the latest creation, which stage changes and completions legitimately follow by days or
    weeks, and the tolerance is future_timestamp_unstamped_tolerance_days. Independent of the
    var as_of. -#}

with {{ export_clock_ctes(ref('stg_salesforce__export_stamps')) }}

select * from with_tolerance
