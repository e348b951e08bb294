{% set happened_at = [('created_date', 'timestamp')] %}

with
{{ parent_opportunity_ctes(recheck_column='opportunity_id') }},

{%- set recheck_cte = 'parent_rechecks' if is_incremental() else none %}

{{ salesforce_typed_ctes(
    'opportunity_field_history', track_raw_rows=true,
    reparse_stored_where=future_timestamp_reparse_condition(happened_at),
    recheck_cte=recheck_cte
) }},

parent_checked as (
    select
        typed.*,
        {{ parent_opportunity_check('typed.opportunity_id') }} as _parent_failure
    from typed
    left join parent_opportunities
        on typed.opportunity_id = parent_opportunities.opportunity_id
),

checked as (
    select
        *,
        coalesce(
            _parse_failure,
            {{ required_values_check(['opportunity_id', 'created_date', 'field']) }},
            {{ future_timestamp_check('opportunity_field_history', happened_at=happened_at) }},
            _parent_failure
        ) as _row_failure
    from parent_checked
),

{{ salesforce_row_status_ctes(
    'opportunity_field_history', 'checked', extra_columns=['_parent_failure'], track_raw_rows=true
) }}

select * from classified
