{#- The numeric features of the win-probability model, all known at a moment of an open deal
    (int_win_probability_moments computes each as feature_<name>; the fitting Python model
    discovers the feature_ columns, and int_win_probability_scores scores them in this order).
      stage_progress              position of the current open stage in the funnel, 0..1
      log_days_in_stage           ln(1 + days in the current stage visit)
      log_deal_age_days           ln(1 + days since the deal was created)
      log_amount                  ln(1 + deal amount then, corporate currency)
      is_commit, is_best_case     forecast category then
      log_days_to_close_date      ln(1 + days until the close date then; 0 once it has passed)
      log_days_past_close_date    ln(1 + days the close date then lies in the past)
      log_close_date_pushes       ln(1 + times the close date was moved later so far)
      has_been_touched            1 when the deal has had an interaction before the moment
      log_days_since_last_touch   ln(1 + days since the last interaction, or since creation)
      log_recent_touches          ln(1 + interactions in the feature window before the moment)
      owner_trailing_win_rate     the owner's smoothed win rate over the twelve months before
                                  the month (int_owner_trailing_win_rates) -#}
{% macro win_probability_features() -%}
    {{ return([
        'stage_progress', 'log_days_in_stage', 'log_deal_age_days', 'log_amount',
        'is_commit', 'is_best_case', 'log_days_to_close_date', 'log_days_past_close_date',
        'log_close_date_pushes', 'has_been_touched', 'log_days_since_last_touch',
        'log_recent_touches', 'owner_trailing_win_rate',
    ]) }}
{%- endmacro %}
