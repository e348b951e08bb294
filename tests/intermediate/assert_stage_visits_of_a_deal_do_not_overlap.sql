-- A deal is in one stage at a time: taken in the order of the transitions that opened them,
-- each visit starts no earlier than the previous visit ended, and only the last visit is
-- still open. A failing row is a visit that starts before the previous one ended, or that
-- follows a visit that never ended.

with visits as (
    select
        opportunity_id,
        stage_name,
        visit_number,
        entered_by_transition_number,
        entered_at,
        exited_at
    from {{ ref('int_stage_visits') }}
),

with_previous as (
    select
        visits.*,
        lag(visits.exited_at) over (
            partition by visits.opportunity_id order by visits.entered_by_transition_number
        ) as previous_exited_at,
        lag(visits.entered_at) over (
            partition by visits.opportunity_id order by visits.entered_by_transition_number
        ) as previous_entered_at
    from visits
)

select *
from with_previous
where
    previous_entered_at is not null
    and (previous_exited_at is null or entered_at < previous_exited_at)
