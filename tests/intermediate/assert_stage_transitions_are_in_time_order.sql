-- A deal's stage transitions happen in the order of their numbers: changed_at never goes
-- back in time as transition_number grows (equal times are allowed: changes saved in the
-- same second). A failing row is a transition saved before the one numbered just before it.

with transitions as (
    select
        opportunity_id,
        transition_number,
        changed_at
    from {{ ref('int_stage_transitions') }}
),

with_previous as (
    select
        opportunity_id,
        transition_number,
        changed_at,
        lag(changed_at) over (
            partition by opportunity_id order by transition_number
        ) as previous_changed_at
    from transitions
)

select *
from with_previous
where changed_at < previous_changed_at
