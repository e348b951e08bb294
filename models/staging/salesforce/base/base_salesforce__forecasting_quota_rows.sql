with
{{ salesforce_typed_ctes('forecasting_quota', track_raw_rows=true) }},

checked as (
    select
        *,
        coalesce(
            _parse_failure,
            {{ required_values_check(['quota_owner_id', 'start_date', 'quota_amount']) }},
            {{ implausible_amount_check(['quota_amount']) }}
        ) as _row_failure
    from typed
),

{{ salesforce_row_status_ctes('forecasting_quota', 'checked', track_raw_rows=true) }}

select * from classified
