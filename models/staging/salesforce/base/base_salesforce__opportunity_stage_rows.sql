with
{{ salesforce_typed_ctes('opportunity_stage', track_raw_rows=true) }},

checked as (
    select
        *,
        coalesce(
            _parse_failure,
            case when coalesce(api_name, master_label) is null or sort_order is null then 'missing_required_value' end
        ) as _row_failure
    from typed
),

{{ salesforce_row_status_ctes('opportunity_stage', 'checked', track_raw_rows=true) }}

select * from classified
