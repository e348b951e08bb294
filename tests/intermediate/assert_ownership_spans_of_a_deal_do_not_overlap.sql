-- A deal has one owner at a time: taken in ownership order, each span starts no earlier than
-- the previous one ended, only the last span is open (valid_to null), and every staged
-- opportunity has exactly one open span. A failing row is a span that overlaps the previous
-- one or follows an open one, or a deal without exactly one current owner.

with opportunities as (
    select opportunity_id from {{ ref('stg_crm__opportunities') }}
),

spans as (
    select
        opportunity_id,
        ownership_number,
        owner_id,
        valid_from,
        valid_to
    from {{ ref('int_opportunity_owners_historized') }}
),

with_previous as (
    select
        spans.*,
        lag(spans.valid_from) over (
            partition by spans.opportunity_id order by spans.ownership_number
        ) as previous_valid_from,
        lag(spans.valid_to) over (
            partition by spans.opportunity_id order by spans.ownership_number
        ) as previous_valid_to
    from spans
),

overlapping as (
    select
        opportunity_id,
        ownership_number,
        'overlaps the previous span' as problem
    from with_previous
    where
        previous_valid_from is not null
        and (previous_valid_to is null or valid_from < previous_valid_to)
),

current_owners as (
    select
        opportunities.opportunity_id,
        count(spans.opportunity_id) as open_span_count
    from opportunities
    left join spans
        on
            opportunities.opportunity_id = spans.opportunity_id
            and spans.valid_to is null
    group by opportunities.opportunity_id
),

without_one_owner as (
    select
        opportunity_id,
        cast(null as {{ dbt.type_int() }}) as ownership_number,
        'has ' || cast(open_span_count as {{ dbt.type_string() }}) || ' open spans' as problem
    from current_owners
    where open_span_count <> 1
)

select * from overlapping
union all
select * from without_one_owner
