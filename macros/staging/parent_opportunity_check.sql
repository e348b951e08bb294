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
    what_id=true (a polymorphic WhatId) only an id of key prefix 006 names an opportunity. -#}
{% macro parent_opportunity_ctes() -%}
parent_opportunities as (
    select
        id as opportunity_id,
        case
            when max(case when row_status = 'staged' then 1 else 0 end) = 0 then 'parent_quarantined'
        end as parent_failure
    from {{ ref('stg_salesforce__opportunity_rows') }}
    where id is not null and row_status <> 'deleted'
    group by id
)
{%- endmacro %}

{% macro parent_opportunity_check(id_expression, what_id=false, parent_alias='parent_opportunities') -%}
    case
        when {{ id_expression }} {{ "like '006%'" if what_id else 'is not null' }}
            then
                case
                    when {{ parent_alias }}.opportunity_id is null then 'unknown_opportunity'
                    else {{ parent_alias }}.parent_failure
                end
    end
{%- endmacro %}
