-- parent_opportunity_check: a child row of a staged deal passes; of a deal the export holds
-- but quarantined, parent_quarantined; of a deal the export does not hold,
-- unknown_opportunity. A WhatId (what_id=true) names a deal only with the key prefix 006: an
-- account or a blank passes; an OpportunityId is checked whatever it looks like.
with parent_opportunities as (
    select
        parents_table.opportunity_id,
        parents_table.parent_failure
    from (
        values
        ('006000000000001AAA', null),
        ('006000000000002AAA', 'parent_quarantined')
    ) as parents_table (opportunity_id, parent_failure)
),

cases as (
    select
        cases_table.child_id,
        cases_table.expected_for_opportunity_id,
        cases_table.expected_for_what_id
    from (
        values
        ('006000000000001AAA', null, null),
        ('006000000000002AAA', 'parent_quarantined', 'parent_quarantined'),
        ('006000000000077AAA', 'unknown_opportunity', 'unknown_opportunity'),
        ('001000000000001AAA', 'unknown_opportunity', null),
        (null, null, null)
    ) as cases_table (child_id, expected_for_opportunity_id, expected_for_what_id)
)

select cases.*
from cases
left join parent_opportunities
    on cases.child_id = parent_opportunities.opportunity_id
where
    {{ parent_opportunity_check('cases.child_id') }} is distinct from cases.expected_for_opportunity_id
    or {{ parent_opportunity_check('cases.child_id', what_id=true) }} is distinct from cases.expected_for_what_id
