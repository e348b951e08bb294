{#- One row per deal and date of int_open_deals_at_dates: the win-probability model's
    probability of the deal's state at the start of that date (its snapshot_at), from the
    same features as the training moments (macro win_probability_feature_ctes) and the same
    scoring (macro win_probability_scoring_ctes), with the fit in force at that instant: the
    fit of the latest cut-off at or before it (int_win_probability_model.fitted_at, in force
    until valid_to), which learnt only from the deals closed by its cut-off, so a past date's
    probability is the one that was knowable then. These states are scored, never trained on:
    the fit reads int_win_probability_moments only. The touch features (touches before the
    instant, those within var interaction_feature_window_days before it, the last touch) are
    counted set-based: the dates and the deal's interactions on one timeline per deal, with
    running sums, not by joining each date to the interactions. -#}
{%- set window_days = var('interaction_feature_window_days') | int %}

with open_deals as (
    select * from {{ ref('int_open_deals_at_dates') }}
),

interactions as (
    select
        opportunity_id,
        occurred_at
    from {{ ref('int_interactions_unified') }}
    where opportunity_id is not null
),

fits as (
    select distinct
        fitted_at,
        valid_to
    from {{ ref('int_win_probability_model') }}
),

-- the fit in force at each date's instant: a range join of the few dates to the few cut-offs
date_instants as (
    select distinct snapshot_at
    from open_deals
),

date_fits as (
    select
        date_instants.snapshot_at,
        fits.fitted_at as probability_fitted_at
    from date_instants
    inner join fits
        on
            date_instants.snapshot_at >= fits.fitted_at
            and (fits.valid_to is null or date_instants.snapshot_at < fits.valid_to)
),

-- each deal's dates and touches in time order; at the same instant the date comes first, so
-- a touch at exactly a date's midnight is not before it
timeline as (
    select
        opportunity_id,
        snapshot_date,
        snapshot_at as event_at,
        0 as event_rank,
        0 as is_touch
    from open_deals
    union all
    select
        opportunity_id,
        cast(null as date) as snapshot_date,
        occurred_at as event_at,
        1 as event_rank,
        1 as is_touch
    from interactions
),

counted as (
    select
        opportunity_id,
        snapshot_date,
        event_rank,
        sum(is_touch) over deal_order as touches_so_far,
        max(case when is_touch = 1 then event_at end) over deal_order as last_touch_at,
        -- the touches at or before the window's start, which have left the window
        sum(is_touch) over (
            partition by opportunity_id
            order by event_at
            range between unbounded preceding and interval '{{ window_days }} days' preceding
        ) as touches_before_window
    from timeline
    window deal_order as (
        partition by opportunity_id
        order by event_at, event_rank
        rows between unbounded preceding and current row
    )
),

date_touches as (
    select
        opportunity_id,
        snapshot_date,
        touches_so_far,
        last_touch_at,
        touches_so_far - coalesce(touches_before_window, 0) as touches_in_window
    from counted
    where event_rank = 0
),

moments as (
    select
        open_deals.opportunity_id,
        open_deals.snapshot_date,
        open_deals.snapshot_at as moment_at,
        open_deals.stage_name,
        open_deals.stage_order,
        open_deals.amount_in_deal_currency as amount,
        open_deals.close_date,
        open_deals.forecast_category,
        date_touches.touches_so_far,
        date_touches.touches_in_window,
        date_touches.last_touch_at,
        date_fits.probability_fitted_at
    from open_deals
    inner join date_touches
        on
            open_deals.opportunity_id = date_touches.opportunity_id
            and open_deals.snapshot_date = date_touches.snapshot_date
    inner join date_fits
        on open_deals.snapshot_at = date_fits.snapshot_at
),

{{ win_probability_feature_ctes('moments') }},

{{ win_probability_scoring_ctes('featured_moments', fitted_at_column='probability_fitted_at') }},

probabilities as (
    select
        opportunity_id,
        snapshot_date,
        moment_at as snapshot_at,
        stage_name,
        owner_id,
        amount_converted as amount,
        touches_so_far,
        touches_in_window,
        last_touch_at,
        pushes_so_far,
        {%- for feature in win_probability_features() %}
            feature_{{ feature }},
        {%- endfor %}
        win_probability,
        probability_method,
        probability_fitted_at
    from scored_moments
)

select * from probabilities
