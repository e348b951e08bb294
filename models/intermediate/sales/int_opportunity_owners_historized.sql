{#- One row per opportunity per ownership span: who owned the deal from valid_from until
    valid_to (null = still). From owner changes in OpportunityFieldHistory (the rows whose
    values are user ids; Salesforce also writes a row with the names); a deal without any
    has one span, its current owner since creation. -#}

with opportunities as (
    select
        opportunity_id,
        owner_id,
        created_at
    from {{ ref('stg_salesforce__opportunities') }}
),

field_history as (
    {{ rows_up_to_as_of(ref('stg_salesforce__opportunity_field_history'), 'changed_at') }}
),

owner_changes as (
    select
        opportunity_id,
        changed_at,
        field_history_id,
        {{ salesforce_id18('old_value') }} as previous_owner_id,
        {{ salesforce_id18('new_value') }} as new_owner_id
    from field_history
    where
        lower(field_name) in ('owner', 'ownerid')
        and {{ salesforce_id18('new_value') }} like '005%'
),

ordered_changes as (
    select
        owner_changes.*,
        row_number() over (
            partition by owner_changes.opportunity_id
            order by owner_changes.changed_at asc, owner_changes.field_history_id asc
        ) as change_number
    from owner_changes
),

first_spans as (
    select
        opportunities.opportunity_id,
        coalesce(ordered_changes.previous_owner_id, opportunities.owner_id) as owner_id,
        opportunities.created_at as valid_from,
        0 as span_order
    from opportunities
    left join ordered_changes
        on
            opportunities.opportunity_id = ordered_changes.opportunity_id
            and ordered_changes.change_number = 1
),

later_spans as (
    select
        ordered_changes.opportunity_id,
        ordered_changes.new_owner_id as owner_id,
        ordered_changes.changed_at as valid_from,
        ordered_changes.change_number as span_order
    from ordered_changes
    inner join opportunities
        on ordered_changes.opportunity_id = opportunities.opportunity_id
),

spans as (
    select * from first_spans
    union all
    select * from later_spans
),

historized as (
    select
        opportunity_id,
        owner_id,
        valid_from,
        -- a change saved in the same second as the creation comes after the creation span
        cast(row_number() over (partition by opportunity_id order by valid_from, span_order) as integer)
            as ownership_number,
        lead(valid_from) over (partition by opportunity_id order by valid_from, span_order) as valid_to
    from spans
)

select * from historized
