{#- A child row's verdict on the opportunity it belongs to (OpportunityHistory and
    OpportunityFieldHistory by OpportunityId, Task and Event by a WhatId that is an
    opportunity id, key prefix 006):
      null                 the opportunity is staged (or the row names none);
      parent_quarantined   the export holds the opportunity, but every row of it was
                           quarantined (whatever the reason): the child follows it;
      unknown_opportunity  the export holds no live row of it (a filtered export, or the
                           opportunity was deleted).
    parent_opportunity_ctes() defines the CTE parent_opportunities (one row per opportunity
    id in the export's live Opportunity rows); the model left-joins it on the id, and
    parent_opportunity_check(id, alias) is the verdict of the joined row; with
    what_id=true (a polymorphic WhatId) only an id of key prefix 006 names an opportunity.

    An incremental base model stores its row's verdict (_parent_failure) and passes
    recheck_column (its id column): in an incremental run the CTE parent_rechecks then holds
    the stored rows whose verdict is no longer the current one (a deal quarantined, fixed,
    added or removed since), and the model hands it to salesforce_typed_ctes as recheck_cte,
    so those rows are checked again although their raw row did not change. -#}
{% macro parent_opportunity_ctes(recheck_column=none, what_id=false) -%}
parent_opportunities as (
    select
        id as opportunity_id,
        case
            when max(case when row_status = 'staged' then 1 else 0 end) = 0 then 'parent_quarantined'
        end as parent_failure
    from {{ ref('base_salesforce__opportunity_rows') }}
    where id is not null and row_status <> 'deleted'
    group by id
)
{%- if recheck_column and is_incremental() %}
{%- do require_stored_columns(['_parent_failure']) %},

-- stored rows whose opportunity's verdict changed since they were checked: parsed again
-- (salesforce_typed_ctes' recheck_cte)
parent_rechecks as (
    select stored_rows._raw_row_number
    from {{ this }} as stored_rows
    left join parent_opportunities
        on stored_rows.{{ recheck_column }} = parent_opportunities.opportunity_id
    where
        coalesce(stored_rows._parent_failure, '')
        <> coalesce({{ parent_opportunity_check('stored_rows.' ~ recheck_column, what_id) }}, '')
)
{%- endif %}
{%- endmacro %}

{% macro parent_opportunity_check(id_expression, what_id=false, parent_alias='parent_opportunities') -%}
    {%- set names_an_opportunity = id_expression ~ (" like '006%'" if what_id else ' is not null') -%}
    case when {{ names_an_opportunity }} then coalesce({{ parent_alias }}.parent_failure, case when {{ parent_alias }}.opportunity_id is null then 'unknown_opportunity' end) end
{%- endmacro %}
