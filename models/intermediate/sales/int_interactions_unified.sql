{#- One row per interaction (task or event) that has happened by the as-of time, with its
    channel (call, email, meeting, other), the deal, lead, contact and account it belongs to,
    and the gaps to the previous and next interaction on the same deal and account.

    Linking: WhatId names the deal directly (attribution 'what_id'). An interaction logged on
    an account (WhatId an account, or no WhatId and only AccountId) is attributed to the
    account's deal when exactly one of its deals was open at that moment
    ('single_open_deal_on_account'); otherwise it stays on the account only. A task happened
    when completed (open tasks are plans, not interactions), an event when it started. Subjects are read to infer the channel when Type
    is blank and are not carried further. -#}

with tasks as (
    select * from {{ ref('stg_crm__tasks') }}
),

events as (
    select * from {{ ref('stg_crm__events') }}
),

opportunities as (
    select
        opportunity_id,
        account_id
    from {{ ref('stg_crm__opportunities') }}
),

-- the accounts of the Account export and those named on deals (an export without Account,
-- like a report export, still links an interaction logged on a deal's account)
accounts as (
    select account_id from {{ ref('stg_crm__accounts') }}
    union
    select account_id from opportunities
    where account_id is not null
),

leads as (
    select lead_id from {{ ref('stg_crm__leads') }}
),

states as (
    select * from {{ ref('int_opportunity_states_historized') }}
),

as_of as (
    select as_of from {{ ref('stg_crm__export_as_of') }}
),

task_interactions as (
    select
        task_id as interaction_id,
        'task' as source_object,
        {{ task_interaction_type('task_type', 'task_subtype', 'subject') }} as interaction_type,
        -- a task happened when it was completed; an open task is a plan, not an interaction
        {{ task_happened_at('completed_at', 'task_status', 'created_at') }} as occurred_at,
        owner_id,
        what_id,
        who_id,
        account_id as related_account_id,
        call_duration_seconds
    from tasks
),

event_interactions as (
    select
        event_id as interaction_id,
        'event' as source_object,
        {{ event_interaction_type('event_type') }} as interaction_type,
        coalesce(started_at, created_at) as occurred_at,
        owner_id,
        what_id,
        who_id,
        account_id as related_account_id,
        cast(null as {{ dbt.type_bigint() }}) as call_duration_seconds
    from events
),

all_interactions as (
    select * from task_interactions
    union all
    select * from event_interactions
),

-- the as-of cut as a flag, then a filter on it: a filter inside the join with as_of is
-- estimated to keep a handful of rows, and DuckDB then builds its hash tables on the
-- millions of interactions instead of on the deals, accounts and leads
interactions_dated as (
    select
        all_interactions.*,
        coalesce(all_interactions.occurred_at <= as_of.as_of, false) as has_happened
    from all_interactions
    cross join as_of
),

happened as (
    select
        interaction_id,
        source_object,
        interaction_type,
        occurred_at,
        owner_id,
        what_id,
        who_id,
        related_account_id,
        call_duration_seconds
    from interactions_dated
    where has_happened
),

linked as (
    select
        happened.interaction_id,
        happened.source_object,
        happened.interaction_type,
        happened.occurred_at,
        happened.owner_id,
        happened.call_duration_seconds,
        direct_deals.opportunity_id as direct_opportunity_id,
        leads.lead_id,
        case when happened.who_id like '003%' then happened.who_id end as contact_id,
        -- account-level attribution only for interactions logged on the account itself:
        -- a WhatId naming another record (a deal not in the export, a contract) does not qualify
        (happened.what_id is null or what_accounts.account_id is not null) as is_logged_on_account,
        coalesce(direct_deals.account_id, what_accounts.account_id, happened.related_account_id) as account_id
    from happened
    left join opportunities as direct_deals
        on happened.what_id = direct_deals.opportunity_id
    left join accounts as what_accounts
        on happened.what_id = what_accounts.account_id
    left join leads
        on happened.who_id = leads.lead_id
),

-- How many of an account's deals were open at each account-logged interaction, and which
-- one when it was exactly one: a sweep along each account's timeline instead of joining
-- every interaction to every deal of its account (quadratic on accounts with many deals).
-- Each open-stage span of a deal adds 1 (and the deal's ordinal) from valid_from and takes
-- them away from valid_to; the span changes at a moment apply before the interactions at it
-- (valid_from <= t < valid_to). A deal's spans never overlap, so the running count is the
-- number of open deals, and when it is 1 the running sum of ordinals names the deal.
open_spans as (
    select
        opportunities.account_id,
        states.opportunity_id,
        states.valid_from,
        states.valid_to
    from states
    inner join opportunities
        on states.opportunity_id = opportunities.opportunity_id
    where
        not states.is_closed_stage
        and opportunities.account_id is not null
),

deal_ordinals as (
    select
        opportunity_id,
        row_number() over (order by opportunity_id) as deal_ordinal
    from open_spans
    group by opportunity_id
),

account_timeline as (
    select
        open_spans.account_id,
        open_spans.valid_from as moment_at,
        0 as moment_order,
        1 as open_deal_delta,
        deal_ordinals.deal_ordinal as ordinal_delta,
        cast(null as {{ dbt.type_string() }}) as interaction_id
    from open_spans
    inner join deal_ordinals
        on open_spans.opportunity_id = deal_ordinals.opportunity_id
    union all
    select
        open_spans.account_id,
        open_spans.valid_to as moment_at,
        0 as moment_order,
        -1 as open_deal_delta,
        -deal_ordinals.deal_ordinal as ordinal_delta,
        cast(null as {{ dbt.type_string() }}) as interaction_id
    from open_spans
    inner join deal_ordinals
        on open_spans.opportunity_id = deal_ordinals.opportunity_id
    where open_spans.valid_to is not null
    union all
    select
        account_id,
        occurred_at as moment_at,
        1 as moment_order,
        0 as open_deal_delta,
        0 as ordinal_delta,
        interaction_id
    from linked
    where
        direct_opportunity_id is null
        and is_logged_on_account
        and account_id is not null
),

account_timeline_swept as (
    select
        interaction_id,
        sum(open_deal_delta) over (
            partition by account_id
            order by moment_at, moment_order
            rows between unbounded preceding and current row
        ) as open_deal_count,
        sum(ordinal_delta) over (
            partition by account_id
            order by moment_at, moment_order
            rows between unbounded preceding and current row
        ) as open_deal_ordinal_sum
    from account_timeline
),

open_deals_at_moment as (
    select
        account_timeline_swept.interaction_id,
        account_timeline_swept.open_deal_count,
        deal_ordinals.opportunity_id as only_open_opportunity_id
    from account_timeline_swept
    left join deal_ordinals
        on
            account_timeline_swept.open_deal_count = 1
            and account_timeline_swept.open_deal_ordinal_sum = deal_ordinals.deal_ordinal
    where account_timeline_swept.interaction_id is not null
),

attributed as (
    select
        linked.interaction_id,
        linked.source_object,
        linked.interaction_type,
        linked.occurred_at,
        linked.owner_id,
        linked.call_duration_seconds,
        linked.lead_id,
        linked.contact_id,
        linked.account_id,
        coalesce(
            linked.direct_opportunity_id,
            case when open_deals_at_moment.open_deal_count = 1 then open_deals_at_moment.only_open_opportunity_id end
        ) as opportunity_id,
        case
            when linked.direct_opportunity_id is not null then 'what_id'
            when open_deals_at_moment.open_deal_count = 1 then 'single_open_deal_on_account'
        end as opportunity_attribution
    from linked
    left join open_deals_at_moment
        on linked.interaction_id = open_deals_at_moment.interaction_id
),

with_gaps as (
    select
        attributed.*,
        case
            when attributed.opportunity_id is not null then
            {{ days_between(
                'lag(attributed.occurred_at) over (partition by attributed.opportunity_id order by attributed.occurred_at, attributed.interaction_id)',
                'attributed.occurred_at') }}
        end as days_since_previous_deal_interaction,
        case
            when attributed.opportunity_id is not null then
            {{ days_between(
                'attributed.occurred_at',
                'lead(attributed.occurred_at) over (partition by attributed.opportunity_id order by attributed.occurred_at, attributed.interaction_id)') }}
        end as days_to_next_deal_interaction,
        case
            when attributed.account_id is not null then
            {{ days_between(
                'lag(attributed.occurred_at) over (partition by attributed.account_id order by attributed.occurred_at, attributed.interaction_id)',
                'attributed.occurred_at') }}
        end as days_since_previous_account_interaction
    from attributed
)

select * from with_gaps
