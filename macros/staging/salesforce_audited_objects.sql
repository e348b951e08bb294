{#- The Salesforce objects the staging layer audits row by row: object name, source table,
    the base model (one row per raw row) and the staged model (clean rows only). -#}
{% macro salesforce_audited_objects() -%}
    {{ return([
        {'object_name': 'Opportunity', 'table_name': 'opportunity', 'rows_model': 'base_salesforce__opportunity_rows', 'staged_model': 'stg_salesforce__opportunities'},
        {'object_name': 'OpportunityHistory', 'table_name': 'opportunity_history', 'rows_model': 'base_salesforce__opportunity_history_rows', 'staged_model': 'stg_salesforce__opportunity_history'},
        {'object_name': 'User', 'table_name': 'user', 'rows_model': 'base_salesforce__user_rows', 'staged_model': 'stg_salesforce__users'},
        {'object_name': 'Account', 'table_name': 'account', 'rows_model': 'base_salesforce__account_rows', 'staged_model': 'stg_salesforce__accounts'},
        {'object_name': 'OpportunityFieldHistory', 'table_name': 'opportunity_field_history', 'rows_model': 'base_salesforce__opportunity_field_history_rows', 'staged_model': 'stg_salesforce__opportunity_field_history'},
        {'object_name': 'OpportunityStage', 'table_name': 'opportunity_stage', 'rows_model': 'base_salesforce__opportunity_stage_rows', 'staged_model': 'stg_salesforce__opportunity_stages'},
        {'object_name': 'Task', 'table_name': 'task', 'rows_model': 'base_salesforce__task_rows', 'staged_model': 'stg_salesforce__tasks'},
        {'object_name': 'Event', 'table_name': 'event', 'rows_model': 'base_salesforce__event_rows', 'staged_model': 'stg_salesforce__events'},
        {'object_name': 'Lead', 'table_name': 'lead', 'rows_model': 'base_salesforce__lead_rows', 'staged_model': 'stg_salesforce__leads'},
        {'object_name': 'ForecastingQuota', 'table_name': 'forecasting_quota', 'rows_model': 'base_salesforce__forecasting_quota_rows', 'staged_model': 'stg_salesforce__forecasting_quotas'},
        {'object_name': 'DatedConversionRate', 'table_name': 'dated_conversion_rate', 'rows_model': 'base_salesforce__dated_conversion_rate_rows', 'staged_model': 'stg_salesforce__dated_conversion_rates'},
        {'object_name': 'CurrencyType', 'table_name': 'currency_type', 'rows_model': 'base_salesforce__currency_type_rows', 'staged_model': 'stg_salesforce__currency_types'},
    ]) }}
{%- endmacro %}
