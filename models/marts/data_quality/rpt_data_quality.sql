{#- One row per grain (rep, team, company), grain id and fiscal month, quarter and year (no week):
    how far the stage data behind the Tier 3 numbers can be trusted. Transitions count for the
    deal's owner at the change, in the period of the change; open-deal counts are measured at
    the period's end or at the as-of time, whichever is earlier, for the owner then. Team and
    company rows are counted from the transitions and deals themselves, never averaged from
    rep rows. The trust rating rests on the transitions of a trailing window, not on the
    period's alone: the var data_quality_trust_window_days days up to the period's end (up to
    the as-of day for the period holding it), and never less than the whole period. It
    compares the window's manual-skip and batch-logged rates with the vars
    manual_skip_rate_threshold and batch_logged_rate_threshold, and rates nothing on fewer
    than data_quality_min_transitions transitions ('review'). The quarantine and the rows in
    inferred stages are whole-export counts, on the company rows of the periods holding the
    as-of time, and so are the history rows saved before their deal's creation (moved to it)
    and the raw rows with a spreadsheet zero date (read as blank). Amounts that could not be converted to the corporate currency (no rate for the
    deal's currency on the date) are counted for the owner at close in the period of the close
    (closed deals, by outcome_date, like back-dated closes), and for the owner at the period start (deals open then, at that date's
    rate), as the KPI marts count those deals. Definitions: docs blocks dq_*. -#}

{#- whole-export counts (quarantine, inferred stages, anomalies) sit on the company rows of the
    periods holding the as-of time -#}
{%- set is_company_row_holding_as_of -%}
    spine.grain = 'company'
    and {{ to_reporting_date('as_of.as_of') }} >= spine.period_start
    and {{ to_reporting_date('as_of.as_of') }} < spine.period_end
{%- endset %}

-- months, quarters and years only: the trust rating looks at a trailing window of days, not at
-- the period, so week rows would repeat their month's rating and multiply its findings
with spine as (
    select * from {{ ref('int_kpi_grain_periods') }}
    where {{ is_month_period_grain('period_grain') }}
),

all_transitions as (
    select * from {{ ref('int_stage_transitions_attributed') }}
),

open_deals as (
    select * from {{ ref('int_open_deals_at_period_end') }}
),

quarantine as (
    select * from {{ ref('stg_crm__quarantine') }}
),

as_of as (
    select as_of from {{ ref('stg_crm__export_as_of') }}
),

funnel as (
    select * from {{ ref('stg_crm__stage_funnel') }}
),

staged_opportunities as (
    select * from {{ ref('stg_crm__opportunities') }}
),

staged_history as (
    select * from {{ ref('stg_crm__opportunity_history') }}
),

staged_field_history as (
    select * from {{ ref('stg_crm__opportunity_field_history') }}
),

row_accounting as (
    select * from {{ ref('stg_crm__row_accounting') }}
),

unconverted_closed_deals as (
    select * from {{ ref('int_opportunity_outcomes') }}
    where is_closed and is_missing_conversion_rate
),

back_dated_closes as (
    select * from {{ ref('int_opportunity_outcomes') }}
    where is_closed and is_back_dated_close
),

unconverted_pipeline as (
    select * from {{ ref('int_pipeline_at_period_start') }}
    where amount_in_deal_currency is not null and amount is null
),

rep_grain_memberships as (
    select * from {{ ref('int_rep_grain_memberships') }}
),

-- creations inferred for deals without history were made by nobody on record: not counted;
-- batch logging counts in the rates when a person did it (automation bursts are no habit)
recorded_transitions as (
    select
        *,
        coalesce(is_batch_logged and change_source = 'manual', false) as is_batch_logged_by_person
    from all_transitions
    where not is_inferred_from_deal
),

export_has_interactions as (
    select count(is_unsupported_progression) > 0 as has_interactions
    from all_transitions
),

transitions_attributed as (
    {{ attribute_to_grains_and_periods(
        'recorded_transitions', 'owner_id', 'changed_date', 'rep_grain_memberships', 'rep_id'
    ) }}
),

transition_counts as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        count(*) as transition_count,
        sum(case when is_manual_skip then 1 else 0 end) as manual_skip_count,
        sum(case when is_automated_skip then 1 else 0 end) as automated_skip_count,
        sum(case when transition_type = 'backward' then 1 else 0 end) as backward_count,
        sum(case when transition_type = 'reopen' then 1 else 0 end) as reopen_count,
        sum(case when is_batch_logged_by_person then 1 else 0 end) as batch_logged_count,
        sum(case when transition_type in ('forward', 'skip', 'closed_won') then 1 else 0 end) as upward_move_count,
        sum(case when is_unsupported_progression then 1 else 0 end) as unsupported_progression_count
    from transitions_attributed
    group by grain, grain_id, period_grain, period_start
),

open_deals_attributed as (
    {{ attribute_to_grains('open_deals', 'owner_id', 'rep_grain_memberships', 'rep_id') }}
),

open_deal_counts as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        count(*) as open_deal_count,
        sum(case when is_stale then 1 else 0 end) as stale_open_deal_count,
        sum(case when is_past_due then 1 else 0 end) as past_due_open_deal_count
    from open_deals_attributed
    group by grain, grain_id, period_grain, period_start
),

-- the trust window of every row of the spine: it ends at the period's end, or after the as-of
-- day for the period holding the as-of time (history stops at the as-of time), and starts
-- data_quality_trust_window_days days before that end, or at the period's start if earlier
trust_window_ends as (
    select
        spine.grain,
        spine.grain_id,
        spine.period_grain,
        spine.period_start,
        case
            when spine.period_end <= {{ to_reporting_date('as_of.as_of') }} then spine.period_end
            else cast({{ dbt.dateadd('day', 1, to_reporting_date('as_of.as_of')) }} as date)
        end as trust_window_end_date
    from spine
    cross join as_of
),

{%- set window_days = var('data_quality_trust_window_days') | int %}
{%- set trailing_start = "cast(" ~ dbt.dateadd('day', -1 * window_days, 'trust_window_end_date') ~ " as date)" %}

trust_windows as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        trust_window_end_date,
        case
            when {{ trailing_start }} < period_start then {{ trailing_start }}
            else period_start
        end as trust_window_start_date
    from trust_window_ends
),

-- one row per owner and day with changes: the windows overlap, so they are summed from days
transition_days as (
    select
        owner_id,
        changed_date,
        count(*) as transition_count,
        sum(case when is_manual_skip then 1 else 0 end) as manual_skip_count,
        sum(case when is_batch_logged_by_person then 1 else 0 end) as batch_logged_count
    from recorded_transitions
    where changed_date is not null
    group by owner_id, changed_date
),

transition_days_attributed as (
    {{ attribute_to_grains('transition_days', 'owner_id', 'rep_grain_memberships', 'rep_id') }}
),

trust_window_counts as (
    select
        trust_windows.grain,
        trust_windows.grain_id,
        trust_windows.period_grain,
        trust_windows.period_start,
        trust_windows.trust_window_start_date,
        coalesce(sum(transition_days_attributed.transition_count), 0) as trust_transition_count,
        coalesce(sum(transition_days_attributed.manual_skip_count), 0) as trust_manual_skip_count,
        coalesce(sum(transition_days_attributed.batch_logged_count), 0) as trust_batch_logged_count
    from trust_windows
    left join transition_days_attributed
        on
            trust_windows.grain = transition_days_attributed.grain
            and trust_windows.grain_id = transition_days_attributed.grain_id
            and trust_windows.trust_window_start_date <= transition_days_attributed.changed_date
            and trust_windows.trust_window_end_date > transition_days_attributed.changed_date
    group by
        trust_windows.grain,
        trust_windows.grain_id,
        trust_windows.period_grain,
        trust_windows.period_start,
        trust_windows.trust_window_start_date
),

unconverted_closed_attributed as (
    {{ attribute_to_grains_and_periods(
        'unconverted_closed_deals', 'owner_at_close_id', 'outcome_date', 'rep_grain_memberships', 'rep_id'
    ) }}
),

unconverted_closed_counts as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        count(*) as unconverted_amount_deal_count
    from unconverted_closed_attributed
    group by grain, grain_id, period_grain, period_start
),

back_dated_closes_attributed as (
    {{ attribute_to_grains_and_periods(
        'back_dated_closes', 'owner_at_close_id', 'outcome_date', 'rep_grain_memberships', 'rep_id'
    ) }}
),

back_dated_close_counts as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        count(*) as back_dated_close_count
    from back_dated_closes_attributed
    group by grain, grain_id, period_grain, period_start
),

unconverted_pipeline_attributed as (
    {{ attribute_to_grains('unconverted_pipeline', 'owner_at_period_start_id', 'rep_grain_memberships', 'rep_id') }}
),

unconverted_pipeline_counts as (
    select
        grain,
        grain_id,
        period_grain,
        period_start,
        count(*) as unconverted_amount_pipeline_deal_count
    from unconverted_pipeline_attributed
    group by grain, grain_id, period_grain, period_start
),

quarantine_total as (
    select count(*) as quarantined_row_count
    from quarantine
),

-- staged rows in a stage the definitions in use do not name (inferred into the funnel)
inferred_stage_rows as (
    select staged_opportunities.opportunity_id
    from staged_opportunities
    inner join funnel
        on staged_opportunities.stage_name = funnel.stage_name
    where funnel.is_inferred_stage
    union all
    select staged_history.opportunity_id
    from staged_history
    inner join funnel
        on staged_history.stage_name = funnel.stage_name
    where funnel.is_inferred_stage
),

inferred_stage_total as (
    select
        count(*) as inferred_stage_row_count,
        count(distinct opportunity_id) as inferred_stage_deal_count
    from inferred_stage_rows
),

-- history rows saved before their deal's creation, moved to the creation moment
before_creation_rows as (
    select opportunity_id
    from staged_history
    where is_before_creation
    union all
    select opportunity_id
    from staged_field_history
    where is_before_creation
),

before_creation_total as (
    select count(*) as history_before_creation_row_count
    from before_creation_rows
),

-- raw rows with a spreadsheet zero date, read as a blank value
excel_zero_date_total as (
    select sum(excel_zero_date_row_count) as excel_zero_date_row_count
    from row_accounting
),

combined as (
    select
        spine.grain,
        spine.grain_id,
        spine.grain_name,
        spine.period_grain,
        spine.period_start,
        spine.period_end,
        cast(coalesce(transition_counts.transition_count, 0) as {{ dbt.type_bigint() }}) as transition_count,
        cast(coalesce(transition_counts.manual_skip_count, 0) as {{ dbt.type_bigint() }}) as manual_skip_count,
        cast(coalesce(transition_counts.automated_skip_count, 0) as {{ dbt.type_bigint() }})
            as automated_skip_count,
        cast(coalesce(transition_counts.backward_count, 0) as {{ dbt.type_bigint() }}) as backward_count,
        cast(coalesce(transition_counts.reopen_count, 0) as {{ dbt.type_bigint() }}) as reopen_count,
        cast(coalesce(transition_counts.batch_logged_count, 0) as {{ dbt.type_bigint() }}) as batch_logged_count,
        cast(coalesce(transition_counts.upward_move_count, 0) as {{ dbt.type_bigint() }}) as upward_move_count,
        cast(
            case
                when export_has_interactions.has_interactions
                    then coalesce(transition_counts.unsupported_progression_count, 0)
            end as {{ dbt.type_bigint() }}
        ) as unsupported_progression_count,
        case
            when {{ reporting_midnight_utc('spine.period_end') }} < as_of.as_of
                then {{ reporting_midnight_utc('spine.period_end') }}
            else as_of.as_of
        end as open_deals_measured_at,
        cast(coalesce(open_deal_counts.open_deal_count, 0) as {{ dbt.type_bigint() }}) as open_deal_count,
        cast(coalesce(open_deal_counts.stale_open_deal_count, 0) as {{ dbt.type_bigint() }})
            as stale_open_deal_count,
        cast(coalesce(open_deal_counts.past_due_open_deal_count, 0) as {{ dbt.type_bigint() }})
            as past_due_open_deal_count,
        -- the quarantine has no dates: the whole export's count, on the company rows of the
        -- periods holding the as-of time (the export's "now"); null everywhere else
        cast(
            case
                when {{ is_company_row_holding_as_of }}
                    then quarantine_total.quarantined_row_count
            end as {{ dbt.type_bigint() }}
        ) as quarantined_row_count,
        trust_window_counts.trust_window_start_date,
        cast(trust_window_counts.trust_transition_count as {{ dbt.type_bigint() }}) as trust_transition_count,
        cast(trust_window_counts.trust_manual_skip_count as {{ dbt.type_bigint() }}) as trust_manual_skip_count,
        cast(trust_window_counts.trust_batch_logged_count as {{ dbt.type_bigint() }}) as trust_batch_logged_count,
        -- like the quarantine: whole-export counts, on the company rows holding the as-of time
        cast(
            case
                when {{ is_company_row_holding_as_of }}
                    then inferred_stage_total.inferred_stage_row_count
            end as {{ dbt.type_bigint() }}
        ) as inferred_stage_row_count,
        cast(
            case
                when {{ is_company_row_holding_as_of }}
                    then inferred_stage_total.inferred_stage_deal_count
            end as {{ dbt.type_bigint() }}
        ) as inferred_stage_deal_count,
        cast(coalesce(unconverted_closed_counts.unconverted_amount_deal_count, 0) as {{ dbt.type_bigint() }})
            as unconverted_amount_deal_count,
        cast(coalesce(unconverted_pipeline_counts.unconverted_amount_pipeline_deal_count, 0) as {{ dbt.type_bigint() }})
            as unconverted_amount_pipeline_deal_count,
        cast(coalesce(back_dated_close_counts.back_dated_close_count, 0) as {{ dbt.type_bigint() }})
            as back_dated_close_count,
        -- like the quarantine: whole-export counts, on the company rows holding the as-of time
        cast(
            case
                when {{ is_company_row_holding_as_of }}
                    then before_creation_total.history_before_creation_row_count
            end as {{ dbt.type_bigint() }}
        ) as history_before_creation_row_count,
        cast(
            case
                when {{ is_company_row_holding_as_of }}
                    then coalesce(excel_zero_date_total.excel_zero_date_row_count, 0)
            end as {{ dbt.type_bigint() }}
        ) as excel_zero_date_row_count
    from spine
    cross join as_of
    cross join export_has_interactions
    cross join quarantine_total
    inner join trust_window_counts
        on
            spine.grain = trust_window_counts.grain and spine.grain_id = trust_window_counts.grain_id
            and spine.period_grain = trust_window_counts.period_grain
            and spine.period_start = trust_window_counts.period_start
    cross join inferred_stage_total
    cross join before_creation_total
    cross join excel_zero_date_total
    left join transition_counts
        on
            spine.grain = transition_counts.grain and spine.grain_id = transition_counts.grain_id
            and spine.period_grain = transition_counts.period_grain
            and spine.period_start = transition_counts.period_start
    left join open_deal_counts
        on
            spine.grain = open_deal_counts.grain and spine.grain_id = open_deal_counts.grain_id
            and spine.period_grain = open_deal_counts.period_grain
            and spine.period_start = open_deal_counts.period_start
    left join unconverted_closed_counts
        on
            spine.grain = unconverted_closed_counts.grain and spine.grain_id = unconverted_closed_counts.grain_id
            and spine.period_grain = unconverted_closed_counts.period_grain
            and spine.period_start = unconverted_closed_counts.period_start
    left join unconverted_pipeline_counts
        on
            spine.grain = unconverted_pipeline_counts.grain and spine.grain_id = unconverted_pipeline_counts.grain_id
            and spine.period_grain = unconverted_pipeline_counts.period_grain
            and spine.period_start = unconverted_pipeline_counts.period_start
    left join back_dated_close_counts
        on
            spine.grain = back_dated_close_counts.grain and spine.grain_id = back_dated_close_counts.grain_id
            and spine.period_grain = back_dated_close_counts.period_grain
            and spine.period_start = back_dated_close_counts.period_start
),

ratios as (
    select
        combined.*,
        cast(combined.manual_skip_count as {{ type_double() }}) / nullif(combined.transition_count, 0)
            as manual_skip_rate,
        cast(combined.batch_logged_count as {{ type_double() }}) / nullif(combined.transition_count, 0)
            as batch_logged_rate,
        cast(combined.unsupported_progression_count as {{ type_double() }}) / nullif(combined.upward_move_count, 0)
            as unsupported_progression_rate,
        cast(combined.trust_manual_skip_count as {{ type_double() }}) / nullif(combined.trust_transition_count, 0)
            as trust_manual_skip_rate,
        cast(combined.trust_batch_logged_count as {{ type_double() }}) / nullif(combined.trust_transition_count, 0)
            as trust_batch_logged_rate,
        cast({{ var('manual_skip_rate_threshold') }} as {{ type_double() }}) as manual_skip_rate_threshold,
        cast({{ var('batch_logged_rate_threshold') }} as {{ type_double() }}) as batch_logged_rate_threshold,
        cast({{ var('data_quality_min_transitions') }} as integer) as min_transitions_for_rating
    from combined
),

rated as (
    select
        ratios.*,
        coalesce(ratios.manual_skip_rate > ratios.manual_skip_rate_threshold, false)
            as is_manual_skip_rate_above_threshold,
        coalesce(ratios.batch_logged_rate > ratios.batch_logged_rate_threshold, false)
            as is_batch_logged_rate_above_threshold,
        coalesce(ratios.trust_manual_skip_rate > ratios.manual_skip_rate_threshold, false)
            as is_trust_manual_skip_rate_above_threshold,
        coalesce(ratios.trust_batch_logged_rate > ratios.batch_logged_rate_threshold, false)
            as is_trust_batch_logged_rate_above_threshold
    from ratios
),

final as (
    select
        grain,
        grain_id,
        grain_name,
        period_grain,
        period_start,
        period_end,
        transition_count,
        manual_skip_count,
        manual_skip_rate,
        automated_skip_count,
        backward_count,
        reopen_count,
        batch_logged_count,
        batch_logged_rate,
        upward_move_count,
        unsupported_progression_count,
        unsupported_progression_rate,
        open_deals_measured_at,
        open_deal_count,
        stale_open_deal_count,
        past_due_open_deal_count,
        quarantined_row_count,
        manual_skip_rate_threshold,
        batch_logged_rate_threshold,
        min_transitions_for_rating,
        is_manual_skip_rate_above_threshold,
        is_batch_logged_rate_above_threshold,
        -- judged on the window's transitions: too few (none at all included) rate nothing
        cast(case
            when trust_transition_count = 0 or trust_transition_count < min_transitions_for_rating then 'review'
            when is_trust_manual_skip_rate_above_threshold or is_trust_batch_logged_rate_above_threshold
                then 'untrusted'
            else 'trusted'
        end as {{ dbt.type_string() }}) as trust_rating,
        trust_window_start_date,
        trust_transition_count,
        trust_manual_skip_count,
        trust_manual_skip_rate,
        trust_batch_logged_count,
        trust_batch_logged_rate,
        inferred_stage_row_count,
        inferred_stage_deal_count,
        unconverted_amount_deal_count,
        unconverted_amount_pipeline_deal_count,
        back_dated_close_count,
        history_before_creation_row_count,
        excel_zero_date_row_count
    from rated
)

{{ select_contract_columns('final') }}
