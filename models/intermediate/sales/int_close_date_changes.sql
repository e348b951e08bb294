{#- One row per change of an opportunity's expected close date: from OpportunityFieldHistory
    (CloseDate rows) for deals that have any, else from consecutive OpportunityHistory rows
    whose close date differs. A push moves the date later, a pull-in earlier; when the new
    date is in a later fiscal week, month, quarter or year, the period it moved out of is given. -#}

with as_of as (
    select as_of from {{ ref('stg_crm__export_as_of') }}
),

field_history as (
    {{ rows_up_to_as_of(ref('stg_crm__opportunity_field_history'), 'changed_at', 'as_of') }}
),

sequenced as (
    select * from {{ ref('int_opportunity_history_sequenced') }}
),

from_field_history as (
    select
        field_history_id as change_record_id,
        opportunity_id,
        changed_at,
        changed_by_user_id,
        {{ parse_date('old_value') }} as previous_close_date,
        {{ parse_date('new_value') }} as new_close_date,
        'field_history' as change_origin
    from field_history
    where lower(field_name) = 'closedate'
),

deals_with_field_history as (
    select distinct opportunity_id from from_field_history
),

history_with_previous as (
    select
        opportunity_history_id as change_record_id,
        opportunity_id,
        changed_at,
        changed_by_user_id,
        close_date as new_close_date,
        lag(close_date) over (partition by opportunity_id order by history_sequence) as previous_close_date
    from sequenced
    where not is_inferred_from_deal
),

from_history as (
    select
        history_with_previous.change_record_id,
        history_with_previous.opportunity_id,
        history_with_previous.changed_at,
        history_with_previous.changed_by_user_id,
        history_with_previous.previous_close_date,
        history_with_previous.new_close_date,
        'opportunity_history' as change_origin
    from history_with_previous
    where
        history_with_previous.previous_close_date <> history_with_previous.new_close_date
        and not exists (
            select 1 from deals_with_field_history
            where deals_with_field_history.opportunity_id = history_with_previous.opportunity_id
        )
),

changes as (
    select * from from_field_history
    where
        previous_close_date is not null and new_close_date is not null
        and previous_close_date <> new_close_date
    union all
    select * from from_history
),

classified as (
    select
        change_record_id,
        opportunity_id,
        changed_at,
        changed_by_user_id,
        previous_close_date,
        new_close_date,
        cast(
            {{ dbt.datediff('previous_close_date', 'new_close_date', 'day') }}
            as integer
        ) as days_moved,
        new_close_date > previous_close_date as is_push,
        new_close_date < previous_close_date as is_pull_in,
        {%- for grain in period_grains() %}
            case
                when
                    {{ fiscal_period_start('new_close_date', grain) }}
                    > {{ fiscal_period_start('previous_close_date', grain) }}
                    then {{ fiscal_period_start('previous_close_date', grain) }}
            end as moved_out_of_{{ grain }}_start,
        {%- endfor %}
        change_origin
    from changes
)

select * from classified
