-- The pipeline flow walks each deal's states itself; its levels must be the pipeline the
-- project's rules give: the opening of every period = the deals of int_pipeline_at_period_start
-- expected to close in it (same owner at the start, same amount at the period-start rate), the
-- closing = the deals of int_open_deals_at_period_end expected to close in it (same owner at
-- the end). A failing row is a deal in one and not in the other (or with another owner or
-- amount), with the side it is missing from.

with movements as (
    select * from {{ ref('int_pipeline_flow_movements') }}
),

flow_openings as (
    select
        period_grain,
        period_start,
        opportunity_id,
        owner_id,
        amount_change as amount
    from movements
    where component = 'opening'
),

start_pipeline as (
    select
        period_grain,
        period_start,
        opportunity_id,
        owner_at_period_start_id as owner_id,
        amount
    from {{ ref('int_pipeline_at_period_start') }}
    where is_expected_to_close_in_period
),

flow_closings as (
    select
        period_grain,
        period_start,
        opportunity_id,
        owner_id,
        cast(null as decimal(18, 2)) as amount
    from movements
    where component = 'closing'
),

end_pipeline as (
    select
        period_grain,
        period_start,
        opportunity_id,
        owner_id,
        cast(null as decimal(18, 2)) as amount
    from {{ ref('int_open_deals_at_period_end') }}
    where expected_close_date >= period_start and expected_close_date < period_end
),

mismatches as (
    (
        select
            'opening missing from the flow' as side,
            *
        from start_pipeline
        except
        select
            'opening missing from the flow' as side,
            *
        from flow_openings
    )
    union all
    (
        select
            'opening not in the start pipeline' as side,
            *
        from flow_openings
        except
        select
            'opening not in the start pipeline' as side,
            *
        from start_pipeline
    )
    union all
    (
        select
            'closing missing from the flow' as side,
            *
        from end_pipeline
        except
        select
            'closing missing from the flow' as side,
            *
        from flow_closings
    )
    union all
    (
        select
            'closing not in the end pipeline' as side,
            *
        from flow_closings
        except
        select
            'closing not in the end pipeline' as side,
            *
        from end_pipeline
    )
)

select
    side,
    period_grain,
    period_start,
    opportunity_id,
    owner_id,
    amount
from mismatches
