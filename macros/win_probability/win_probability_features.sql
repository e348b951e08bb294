{#- The numeric features of the win-probability model, all known at the moment of an
    interaction. int_win_probability_features computes each as feature_<name> (the deal
    just after the interaction) and feature_<name>_before (just before it); the fitting
    Python model discovers the feature_ columns, and int_interactions_scored scores both.
      stage_progress       position of the current open stage in the funnel, 0..1
      log_days_in_stage    ln(1 + days in the current stage visit)
      log_deal_age_days    ln(1 + days since the deal was created)
      log_amount           ln(1 + deal amount), amount as recorded on the deal
      log_interactions     ln(1 + interactions on the deal in the feature window)
      log_calls / log_emails / log_meetings   the same per channel
      is_commit, is_best_case   forecast category at the moment -#}
{% macro win_probability_features() -%}
    {{ return([
        'stage_progress', 'log_days_in_stage', 'log_deal_age_days', 'log_amount',
        'log_interactions', 'log_calls', 'log_emails', 'log_meetings',
        'is_commit', 'is_best_case',
    ]) }}
{%- endmacro %}
