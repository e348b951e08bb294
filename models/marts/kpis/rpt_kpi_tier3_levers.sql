{#- Tier 3 levers: where in the process did it start? One row per grain (rep, team, company),
    grain id and fiscal period: the spine, each lever's counts and sums from its model in
    intermediate/sales/levers (int_lever_*, which say who and when each lever counts for),
    zero-filled on the spine, and the ratios, each with its numerator and denominator. A
    count is null, not zero, where the export cannot know it: lead counts when no lead has a
    creation time, activity, account reach and engagement when the export has no
    interactions. A deal whose amount is unknown (no amount, or no conversion rate for its
    currency) counts in the deal counts and in the *_unknown_amount_count next to them, never
    in an amount: the average deal size (and so sales velocity) divides by the won deals with a
    known amount only. -#}

with spine as (
    select * from {{ ref('int_kpi_grain_periods') }}
),

leads as (
    select * from {{ ref('int_lead_first_responses') }}
),

interactions as (
    select * from {{ ref('fct_interactions') }}
),

lead_response as (
    select * from {{ ref('int_lever_lead_response') }}
),

cycles as (
    select * from {{ ref('int_lever_sales_cycle') }}
),

deal_counts as (
    select * from {{ ref('int_lever_velocity') }}
),

time_in_stage as (
    select * from {{ ref('int_lever_time_in_stage') }}
),

conversion as (
    select * from {{ ref('int_lever_conversion') }}
),

coverage_and_slippage as (
    select * from {{ ref('int_lever_coverage_and_slippage') }}
),

activity as (
    select * from {{ ref('int_lever_activity') }}
),

interaction_value as (
    select * from {{ ref('int_lever_interaction_value') }}
),

accounts as (
    select * from {{ ref('int_lever_reach_and_engagement') }}
),

meetings as (
    select * from {{ ref('int_lever_meetings') }}
),

lead_conversion as (
    select * from {{ ref('int_lever_lead_conversion') }}
),

lead_conversions as (
    select * from {{ ref('int_lead_conversions') }}
),

as_of as (
    select as_of from {{ ref('stg_crm__export_as_of') }}
),

-- leads but no creation time on any of them: the export has no Lead.CreatedDate (a blank
-- one is quarantined), so the lead counts are unknown (null), not zero
lead_dating as (
    select count(*) > 0 and count(created_at) = 0 as is_lead_creation_unknown
    from leads
),

-- an export without interactions (no Task or Event file, or empty ones): activity, account
-- reach and account engagement are unknown (null), not zero
export_has_interactions as (
    select count(*) > 0 as has_interactions
    from interactions
),

-- an export that says nothing about lead conversion (no IsConverted, no
-- ConvertedOpportunityId: a HubSpot export): the conversion counts are unknown (null)
lead_conversion_knowledge as (
    select coalesce(max(case when is_conversion_known then 1 else 0 end), 0) = 1 as is_lead_conversion_known
    from lead_conversions
),

combined as (
    select
        spine.grain,
        spine.grain_id,
        spine.grain_name,
        spine.period_grain,
        spine.period_start,
        spine.period_end,
        lead_response.median_lead_response_minutes,
        cycles.median_sales_cycle_days,
        time_in_stage.median_days_in_stage,
        case when not lead_dating.is_lead_creation_unknown then coalesce(lead_response.lead_count, 0) end
            as lead_count,
        case
            when not lead_dating.is_lead_creation_unknown
                then coalesce(lead_response.lead_count, 0) - coalesce(lead_response.untouched_lead_count, 0)
        end as touched_lead_count,
        case when not lead_dating.is_lead_creation_unknown then coalesce(lead_response.untouched_lead_count, 0) end
            as untouched_lead_count,
        coalesce(cycles.won_count, 0) as won_count,
        coalesce(cycles.won_amount, cast(0 as decimal(18, 2))) as won_amount,
        coalesce(deal_counts.closed_count, 0) as closed_count,
        coalesce(cycles.sales_cycle_days_sum, 0) as sales_cycle_days_sum,
        coalesce(time_in_stage.exited_visit_count, 0) as exited_visit_count,
        coalesce(time_in_stage.days_in_stage_sum, 0) as days_in_stage_sum,
        coalesce(conversion.stage_entry_count, 0) as stage_entry_count,
        coalesce(conversion.stage_advance_count, 0) as stage_advance_count,
        coalesce(deal_counts.created_count, 0) as created_count,
        coalesce(coverage_and_slippage.pipeline_at_start_amount, cast(0 as decimal(18, 2))) as pipeline_at_start_amount,
        -- quotas are set per month, quarter and year: none for a week (null, not 0)
        cast(case
            when {{ is_month_period_grain('spine.period_grain') }}
                then coalesce(coverage_and_slippage.quota_amount, 0)
        end as {{ revops_number_type('amount') }}) as quota_amount,
        coalesce(coverage_and_slippage.expected_to_close_count, 0) as expected_to_close_count,
        coalesce(coverage_and_slippage.slipped_count, 0) as slipped_count,
        coalesce(coverage_and_slippage.close_date_push_count, 0) as close_date_push_count,
        case when export_has_interactions.has_interactions then coalesce(activity.activity_count, 0) end
            as activity_count,
        case
            when export_has_interactions.has_interactions then coalesce(interaction_value.valued_interaction_count, 0)
        end as valued_interaction_count,
        case
            when export_has_interactions.has_interactions then coalesce(interaction_value.positive_interaction_count, 0)
        end as positive_interaction_count,
        -- cast outside the case: PostgreSQL's case keeps no numeric scale
        cast(
            case
                when export_has_interactions.has_interactions
                    then coalesce(interaction_value.interaction_value_sum_amount, 0)
            end as {{ revops_number_type('amount') }}
        ) as interaction_value_sum_amount,
        coalesce(accounts.owned_account_count, 0) as owned_account_count,
        case when export_has_interactions.has_interactions then coalesce(accounts.reached_account_count, 0) end
            as reached_account_count,
        coalesce(accounts.open_deal_account_count, 0) as open_deal_account_count,
        case
            when export_has_interactions.has_interactions then coalesce(accounts.engaged_account_count, 0)
        end as engaged_account_count,
        coalesce(cycles.won_unknown_amount_count, 0) as won_unknown_amount_count,
        coalesce(coverage_and_slippage.pipeline_unknown_amount_count, 0) as pipeline_unknown_amount_count,
        {%- for column in ['meeting_booked_count', 'initial_meeting_booked_count', 'meeting_scheduled_count',
                           'meeting_held_count', 'initial_meeting_held_count'] %}
            case when export_has_interactions.has_interactions then coalesce(meetings.{{ column }}, 0) end
                as {{ column }},
        {%- endfor %}
        {%- for column in ['converted_lead_count', 'untouched_converted_lead_count'] %}
            case
                when not lead_dating.is_lead_creation_unknown and lead_conversion_knowledge.is_lead_conversion_known
                    then coalesce(lead_conversion.{{ column }}, 0)
            end as {{ column }},
        {%- endfor %}
        lead_conversion.median_days_to_convert,
        -- the leads of the period have had the whole window to convert
        {{ cohort_is_mature(
            'coalesce(lead_response.lead_count, 0)', 'spine.period_end', '(select as_of.as_of from as_of)',
            var('lead_conversion_window_days')
        ) }} as is_lead_cohort_mature
    from
        spine
    {%- for metrics in ['lead_response', 'cycles', 'deal_counts', 'time_in_stage', 'conversion',
                        'coverage_and_slippage', 'activity', 'interaction_value', 'accounts', 'meetings',
                        'lead_conversion'] %}
    left join {{ metrics }}
        on
            spine.grain = {{ metrics }}.grain
            and spine.grain_id = {{ metrics }}.grain_id
            and spine.period_grain = {{ metrics }}.period_grain
            and spine.period_start = {{ metrics }}.period_start
    {%- endfor %}
    cross join lead_dating
    cross join export_has_interactions
    cross join lead_conversion_knowledge
),

ratios as (
    select
        combined.*,
        combined.sales_cycle_days_sum / nullif(combined.won_count, 0) as avg_sales_cycle_days,
        combined.days_in_stage_sum / nullif(combined.exited_visit_count, 0) as avg_days_in_stage,
        cast(combined.stage_advance_count as {{ type_double() }})
        / nullif(combined.stage_entry_count, 0) as stage_conversion_rate,
        cast(combined.won_count as {{ type_double() }}) / nullif(combined.closed_count, 0) as win_rate,
        -- the won deals with a known amount only: an unknown amount is not an amount of 0
        cast(combined.won_amount as {{ type_double() }})
        / nullif(combined.won_count - combined.won_unknown_amount_count, 0) as avg_deal_size_amount,
        combined.created_count
        * (
            cast(combined.won_amount as {{ type_double() }})
            / nullif(combined.won_count - combined.won_unknown_amount_count, 0)
        )
        * (cast(combined.won_count as {{ type_double() }}) / nullif(combined.closed_count, 0))
        / nullif(combined.sales_cycle_days_sum / nullif(combined.won_count, 0), 0) as sales_velocity_per_day_amount,
        cast(combined.pipeline_at_start_amount as {{ type_double() }})
        / nullif(combined.quota_amount, 0) as pipeline_coverage_ratio,
        cast(combined.slipped_count as {{ type_double() }})
        / nullif(combined.expected_to_close_count, 0) as slipped_rate,
        cast(combined.activity_count as {{ type_double() }})
        / nullif(combined.created_count, 0) as activity_to_opportunity_ratio,
        cast(combined.interaction_value_sum_amount as {{ type_double() }})
        / nullif(combined.valued_interaction_count, 0) as avg_interaction_value_amount,
        cast(combined.positive_interaction_count as {{ type_double() }})
        / nullif(combined.valued_interaction_count, 0) as positive_interaction_rate,
        cast(combined.reached_account_count as {{ type_double() }})
        / nullif(combined.owned_account_count, 0) as account_reach_rate,
        cast(combined.engaged_account_count as {{ type_double() }}) / nullif(combined.open_deal_account_count, 0)
            as account_engagement_rate,
        cast(combined.meeting_held_count as {{ type_double() }}) / nullif(combined.meeting_scheduled_count, 0)
            as meeting_held_rate,
        cast(combined.converted_lead_count as {{ type_double() }}) / nullif(combined.touched_lead_count, 0)
            as lead_to_opportunity_rate
    from combined
)

{{ select_contract_columns('ratios') }}
