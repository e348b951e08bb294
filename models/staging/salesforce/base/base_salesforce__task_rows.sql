{% set happened_at = [('completed_date_time', 'timestamp')] %}

with
{{ parent_opportunity_ctes(recheck_column='what_id', what_id=true) }},

{%- set recheck_cte = 'parent_rechecks' if is_incremental() else none %}

{{ salesforce_typed_ctes(
    'task', track_raw_rows=true,
    reparse_stored_where=future_timestamp_reparse_condition(happened_at, created_column='created_date'),
    recheck_cte=recheck_cte
) }},

parent_checked as (
    select
        typed.*,
        {{ parent_opportunity_check('typed.what_id', what_id=true) }} as _parent_failure
    from typed
    left join parent_opportunities
        on typed.what_id = parent_opportunities.opportunity_id
),

checked as (
    select
        *,
        coalesce(
            _parse_failure,
            {{ required_values_check(['created_date']) }},
            {{ future_timestamp_check('task', happened_at=happened_at, created_column='created_date') }},
            _parent_failure
        ) as _row_failure
    from parent_checked
),

{{ salesforce_row_status_ctes(
    'task', 'checked', extra_columns=['_parent_failure'], track_raw_rows=true
) }}

select * from classified
