{#- One row per raw row of the HubSpot table quota, parsed, with its fate (row_status,
    quarantine_reason). -#}

with
{{ salesforce_typed_ctes('quota', source_name='hubspot') }},

checked as (
    select
        typed.*,
        coalesce(
            typed._parse_failure,
            {{ required_values_check([
                'typed.quota_id', 'typed.owner_id', 'typed.period_start', 'typed.quota_amount'
            ]) }},
            {{ implausible_amount_check(['typed.quota_amount']) }}
        ) as _row_failure
    from typed
),

{{ salesforce_row_status_ctes('quota', 'checked', source_name='hubspot') }}

select * from classified
