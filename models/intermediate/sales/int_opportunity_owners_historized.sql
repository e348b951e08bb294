{#- One row per opportunity created by the as-of time per ownership span up to the as-of
    time: who owned the deal from valid_from until valid_to (null = still, at the as-of time).
    From the owner changes of stg_crm__opportunity_field_history (field_name Owner, values
    owner ids); a deal without any has one span, its current
    owner since creation. Changes after the as-of time start no span, but the first of all
    changes still names the owner at creation (its "from" owner), so a deal handed over later
    has its owner of then, not the one the export shows now. -#}

with as_of as (
    select as_of from {{ ref('stg_crm__export_as_of') }}
),

opportunities_created as (
    {{ rows_up_to_as_of(ref('stg_crm__opportunities'), 'created_at', 'as_of') }}
),

owner_changes as (
    select
        opportunity_id,
        changed_at,
        field_history_id,
        old_value as previous_owner_id,
        new_value as new_owner_id
    from {{ ref('stg_crm__opportunity_field_history') }}
    where
        changed_at is not null
        and field_name = 'Owner'
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
        opportunities_created.opportunity_id,
        coalesce(ordered_changes.previous_owner_id, opportunities_created.owner_id) as owner_id,
        opportunities_created.created_at as valid_from,
        0 as span_order
    from opportunities_created
    left join ordered_changes
        on
            opportunities_created.opportunity_id = ordered_changes.opportunity_id
            and ordered_changes.change_number = 1
),

later_spans as (
    select
        ordered_changes.opportunity_id,
        ordered_changes.new_owner_id as owner_id,
        ordered_changes.changed_at as valid_from,
        ordered_changes.change_number as span_order
    from ordered_changes
    cross join as_of
    inner join opportunities_created
        on ordered_changes.opportunity_id = opportunities_created.opportunity_id
    where ordered_changes.changed_at <= as_of.as_of
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
