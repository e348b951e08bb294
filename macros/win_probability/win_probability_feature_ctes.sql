{#- The one rule for the win-probability model's features of a deal at a moment (macro
    win_probability_features lists them): CTEs to place in a model's `with` after the CTE
    named `moments`, which has one row per deal and moment with at least
      opportunity_id, moment_at (UTC), stage_name, stage_order, amount (deal currency),
      close_date, forecast_category, touches_so_far, touches_in_window, last_touch_at
    (the touches before the moment, those within var interaction_feature_window_days before
    it, and the last one's time). The last CTE, featured_moments, has every column of
    `moments` and
      moment_month_start       the reporting month of the moment
      deal_created_at, deal_is_closed, deal_is_won, deal_closed_at (its close by the as-of time)
      stage_entered_at         the start of the stage visit the moment is in (int_stage_visits)
      owner_id                 the owner then (owner_at)
      amount_converted         the amount in the corporate currency at the rate of the moment's UTC date
      pushes_so_far            close-date pushes up to the moment (close_date_push_steps)
      owner_trailing_win_rate  the owner's trailing win rate of the month, else the company's, else 0.5
      feature_<name>           each feature of win_probability_features
    Used by int_win_probability_moments (the training and scoring moments) and
    int_win_probability_at_dates (the pipeline dates), so both see a state the same way. -#}
{% macro win_probability_feature_ctes(moments) -%}
feature_deals as (
    select
        opportunity_id,
        created_at,
        currency_code,
        is_closed,
        is_won,
        closed_at
    from {{ ref('int_opportunity_outcomes') }}
),

feature_visits as (
    select * from {{ ref('int_stage_visits') }}
),

feature_owners as (
    select * from {{ ref('int_opportunity_owners_historized') }}
),

feature_owner_rates as (
    select * from {{ ref('int_owner_trailing_win_rates') }}
),

feature_rates as (
    select * from {{ ref('int_currency_rates_dated') }}
),

feature_push_steps as (
    {{ close_date_push_steps(ref('int_close_date_changes')) }}
),

feature_open_stage_count as (
    select count(*) as open_stages
    from {{ ref('stg_crm__stage_funnel') }}
    where not is_closed
),

feature_company_rates as (
    select distinct
        month_start,
        company_trailing_win_rate
    from feature_owner_rates
),

-- the reporting month of each moment, which the owner's trailing win rate is looked up by
feature_moments as (
    select
        {{ moments }}.*,
        cast({{ dbt.date_trunc('month', to_reporting_date(moments ~ '.moment_at')) }} as date) as moment_month_start
    from {{ moments }}
),

described_moments as (
    select
        feature_moments.*,
        feature_deals.created_at as deal_created_at,
        feature_deals.is_closed as deal_is_closed,
        feature_deals.is_won as deal_is_won,
        feature_deals.closed_at as deal_closed_at,
        feature_visits.entered_at as stage_entered_at,
        feature_owners.owner_id,
        cast(feature_moments.amount / feature_rates.conversion_rate as decimal(18, 2)) as amount_converted,
        coalesce(feature_push_steps.pushes_so_far, 0) as pushes_so_far,
        coalesce(
            feature_owner_rates.owner_trailing_win_rate, feature_company_rates.company_trailing_win_rate, 0.5
        ) as owner_trailing_win_rate
    from feature_moments
    inner join feature_deals
        on feature_moments.opportunity_id = feature_deals.opportunity_id
    left join feature_visits
        on
            feature_moments.opportunity_id = feature_visits.opportunity_id
            and feature_moments.stage_name = feature_visits.stage_name
            and feature_moments.moment_at >= feature_visits.entered_at
            and (feature_visits.exited_at is null or feature_moments.moment_at < feature_visits.exited_at)
    left join feature_push_steps
        on
            feature_moments.opportunity_id = feature_push_steps.opportunity_id
            and feature_moments.moment_at >= feature_push_steps.changed_at
            and (
                feature_push_steps.next_push_at is null
                or feature_moments.moment_at < feature_push_steps.next_push_at
            )
    left join feature_rates
        on
            feature_deals.currency_code = feature_rates.currency_code
            and cast(feature_moments.moment_at as date) >= feature_rates.valid_from
            and cast(feature_moments.moment_at as date) < feature_rates.valid_to
    left join feature_owners
        on {{ owner_at('feature_owners', 'feature_moments.opportunity_id', 'feature_moments.moment_at') }}
    left join feature_owner_rates
        on
            feature_owners.owner_id = feature_owner_rates.owner_id
            and feature_moments.moment_month_start = feature_owner_rates.month_start
    left join feature_company_rates
        on feature_moments.moment_month_start = feature_company_rates.month_start
),

featured_moments as (
    select
        described_moments.*,
        cast(described_moments.stage_order as {{ type_double() }}) / feature_open_stage_count.open_stages
            as feature_stage_progress,
        {%- set stage_entered_at = 'coalesce(described_moments.stage_entered_at, described_moments.deal_created_at)' %}
        ln(1 + greatest({{ days_between(stage_entered_at, 'described_moments.moment_at') }}, 0))
            as feature_log_days_in_stage,
        ln(1 + greatest({{ days_between('described_moments.deal_created_at', 'described_moments.moment_at') }}, 0))
            as feature_log_deal_age_days,
        ln(1 + greatest(coalesce(cast(described_moments.amount_converted as {{ type_double() }}), 0), 0))
            as feature_log_amount,
        case when described_moments.forecast_category = 'Commit' then 1.0 else 0.0 end as feature_is_commit,
        case when described_moments.forecast_category = 'Best Case' then 1.0 else 0.0 end as feature_is_best_case,
        ln(1 + greatest(coalesce(
            {{ days_between('described_moments.moment_at',
                            'cast(described_moments.close_date as ' ~ dbt.type_timestamp() ~ ')') }},
            0
        ), 0)) as feature_log_days_to_close_date,
        ln(1 + greatest(coalesce(
            {{ days_between('cast(described_moments.close_date as ' ~ dbt.type_timestamp() ~ ')',
                            'described_moments.moment_at') }},
            0
        ), 0)) as feature_log_days_past_close_date,
        ln(1 + described_moments.pushes_so_far) as feature_log_close_date_pushes,
        case when described_moments.touches_so_far > 0 then 1.0 else 0.0 end as feature_has_been_touched,
        ln(1 + greatest(
            {{ days_between('coalesce(described_moments.last_touch_at, described_moments.deal_created_at)',
                            'described_moments.moment_at') }},
            0
        )) as feature_log_days_since_last_touch,
        ln(1 + described_moments.touches_in_window) as feature_log_recent_touches,
        described_moments.owner_trailing_win_rate as feature_owner_trailing_win_rate
    from described_moments
    cross join feature_open_stage_count
)
{%- endmacro %}
