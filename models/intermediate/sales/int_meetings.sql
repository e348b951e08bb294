{#- One row per meeting booked by the as-of time: every event whose channel is a meeting, and
    every task whose channel is (the channel rule of the interactions, interaction_channel).
    A meeting is booked when it was created (created_at) and scheduled for its start
    (started_at): an event's start (its creation time when it has none), a completed task's
    completion (its creation when it has no completion time), an open task's due date at
    midnight in the reporting time zone (its creation when it has none). It counts for the
    user who owns it (the export has no owner history for activities).
    Held: its start is at or before the as-of time and the CRM does not say it did not happen.
    Salesforce events and HubSpot meetings carry no cancellation or no-show in the export, so
    a started event counts as held; a meeting task counts only once completed (a task still
    open after its due date did not take place as logged).
    Initial: the meeting's counterparty is its account (the deal's account, the account it was
    logged on, else the related account), else its lead; it is initial when no other meeting
    with that counterparty that took place or is still to come started in the var
    initial_meeting_lookback_days days before it (the same start: the lower id is first). A
    meeting without account or lead is never initial. -#}

with as_of as (
    select as_of from {{ ref('stg_crm__export_as_of') }}
),

tasks as (
    {{ rows_up_to_as_of(ref('stg_crm__tasks'), 'created_at', 'as_of') }}
),

events as (
    {{ rows_up_to_as_of(ref('stg_crm__events'), 'created_at', 'as_of') }}
),

opportunities as (
    select
        opportunity_id,
        account_id
    from {{ ref('stg_crm__opportunities') }}
),

accounts as (
    select account_id from {{ ref('stg_crm__accounts') }}
    union
    select account_id from opportunities
    where account_id is not null
),

leads as (
    select lead_id from {{ ref('stg_crm__leads') }}
),

task_meetings as (
    select
        task_id as meeting_id,
        'task' as source_object,
        owner_id,
        what_id,
        who_id,
        account_id as related_account_id,
        created_at as booked_at,
        -- when it took place, else (still open) its due date, else its creation
        coalesce(
            {{ task_happened_at('completed_at', 'task_status', 'created_at') }},
            {{ reporting_midnight_utc('activity_date') }},
            created_at
        ) as started_at,
        {{ task_happened_at('completed_at', 'task_status', 'created_at') }} is not null as is_completed
    from tasks
    where {{ task_interaction_type('task_type', 'task_subtype', 'subject') }} = 'meeting'
),

event_meetings as (
    select
        event_id as meeting_id,
        'event' as source_object,
        owner_id,
        what_id,
        who_id,
        account_id as related_account_id,
        created_at as booked_at,
        coalesce(started_at, created_at) as started_at,
        true as is_completed
    from events
    where {{ event_interaction_type('event_type') }} = 'meeting'
),

all_meetings as (
    select * from task_meetings
    union all
    select * from event_meetings
),

meetings_linked as (
    select
        all_meetings.meeting_id,
        all_meetings.source_object,
        all_meetings.owner_id,
        all_meetings.booked_at,
        all_meetings.started_at,
        leads.lead_id,
        coalesce(direct_deals.account_id, what_accounts.account_id, all_meetings.related_account_id) as account_id,
        coalesce(all_meetings.started_at <= as_of.as_of and all_meetings.is_completed, false) as is_held,
        -- did not take place as logged: its time has passed and it was never completed
        coalesce(all_meetings.started_at <= as_of.as_of and not all_meetings.is_completed, false) as is_not_held
    from all_meetings
    cross join as_of
    left join opportunities as direct_deals
        on all_meetings.what_id = direct_deals.opportunity_id
    left join accounts as what_accounts
        on all_meetings.what_id = what_accounts.account_id
    left join leads
        on all_meetings.who_id = leads.lead_id
),

meetings_with_counterparty as (
    select
        meetings_linked.*,
        case
            when meetings_linked.account_id is not null then 'account:' || meetings_linked.account_id
            when meetings_linked.lead_id is not null then 'lead:' || meetings_linked.lead_id
        end as counterparty_key
    from meetings_linked
),

-- the meetings that took place or are still to come, before each meeting within the lookback
earlier_meetings as (
    select
        later.meeting_id,
        count(*) as earlier_meeting_count
    from meetings_with_counterparty as later
    inner join meetings_with_counterparty as earlier
        on
            later.counterparty_key = earlier.counterparty_key
            and (
                later.started_at > earlier.started_at
                or (later.started_at = earlier.started_at and later.meeting_id > earlier.meeting_id)
            )
            and {{ days_between('earlier.started_at', 'later.started_at') }}
            <= {{ var('initial_meeting_lookback_days') }}
    where not earlier.is_not_held
    group by later.meeting_id
),

meetings as (
    select
        meetings_with_counterparty.meeting_id,
        meetings_with_counterparty.source_object,
        meetings_with_counterparty.owner_id,
        meetings_with_counterparty.account_id,
        meetings_with_counterparty.lead_id,
        meetings_with_counterparty.booked_at,
        meetings_with_counterparty.started_at,
        {{ to_reporting_date('meetings_with_counterparty.booked_at') }} as booked_date,
        {{ to_reporting_date('meetings_with_counterparty.started_at') }} as started_date,
        meetings_with_counterparty.is_held,
        (
            meetings_with_counterparty.counterparty_key is not null
            and earlier_meetings.meeting_id is null
        ) as is_initial
    from meetings_with_counterparty
    left join earlier_meetings
        on meetings_with_counterparty.meeting_id = earlier_meetings.meeting_id
)

select * from meetings
