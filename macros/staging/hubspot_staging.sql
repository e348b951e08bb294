{#- The HubSpot tables the staging layer audits row by row: the table (its name is the
    object_name of row accounting and quarantine) and its base model (one row per raw row). -#}
{% macro hubspot_audited_tables() -%}
    {%- set tables = [
        'deal', 'deal_stage', 'deal_property_history', 'deal_pipeline', 'deal_pipeline_stage',
        'stage_forecast_category', 'merged_deal', 'deal_company', 'owner', 'owner_team', 'team',
        'users', 'role', 'company', 'contact', 'contact_property_history', 'engagement',
        'engagement_call', 'engagement_email', 'engagement_meeting', 'engagement_task',
        'engagement_contact',
        'engagement_deal', 'engagement_company', 'quota',
    ] -%}
    {%- set audited = [] -%}
    {%- for table_name in tables -%}
        {%- do audited.append({'table_name': table_name, 'rows_model': 'base_hubspot__' ~ table_name ~ '_rows'}) -%}
    {%- endfor -%}
    {{ return(audited) }}
{%- endmacro %}

{#- A HubSpot forecast category (PIPELINE, BEST_CASE, COMMIT, CLOSED, OMIT) as the label the
    project uses for Salesforce's (forecast_category_label: Pipeline, Best Case, Commit,
    Closed, Omitted). -#}
{% macro hubspot_forecast_category_label(expression) -%}
    case
        when upper({{ expression }}) = 'OMIT' then 'Omitted'
        else {{ forecast_category_label('replace(' ~ expression ~ ", '_', '')") }}
    end
{%- endmacro %}

{#- What kind of source saved a HubSpot change (deal_stage.source, *_property_history.source):
    import for an import or a data migration, manual for a person in the app (web, bulk
    action, phone), automated for everything else (workflows, API, integrations, calculated
    values, and a blank source). -#}
{% macro hubspot_change_source(source) -%}
    case
        when upper({{ source }}) in ('IMPORT', 'MIGRATION') then 'import'
        when upper({{ source }}) in ('CRM_UI', 'CRM_UI_BULK_ACTION', 'MOBILE_IOS', 'MOBILE_ANDROID') then 'manual'
        else 'automated'
    end
{%- endmacro %}

{#- The HubSpot user id (users.id, owner.active_user_id) a source_id names: the digits of
    `userId:<n>`, else null (a workflow's `enrollmentId:…;actionExecutionIndex:…`, an app id:
    no person). Never a plain cast: those other forms are not numbers. -#}
{% macro hubspot_source_user_id(source_id) -%}
    case when {{ regexp_full_match(source_id, 'userId:[0-9]+') }} then substring({{ source_id }} from 8) end
{%- endmacro %}

{#- A parent_opportunities CTE over the HubSpot deal rows, for parent_opportunity_check: one
    row per deal id in the export's live deal rows, parent_failure parent_quarantined when
    none of them was staged (a deal of another pipeline, a merged deal, a bad row). -#}
{% macro hubspot_parent_deal_ctes() -%}
parent_opportunities as (
    select
        deal_id as opportunity_id,
        case
            when max(case when row_status = 'staged' then 1 else 0 end) = 0 then 'parent_quarantined'
        end as parent_failure
    from {{ ref('base_hubspot__deal_rows') }}
    where deal_id is not null and row_status <> 'deleted'
    group by deal_id
)
{%- endmacro %}

{#- The date of a HubSpot close date. HubSpot stores a date picked in the app as midnight in
    the portal's time zone: the UTC timestamp is cast to a date in var
    hubspot_portal_time_zone (to_reporting_date's rule), never used as a moment. With
    from_text, the expression is a property-history value: ISO-8601 (2024-02-04T00:00:00Z,
    the v3 API) or epoch milliseconds (1707004800000, legacy integrations). -#}
{% macro hubspot_close_date(expression, from_text=false) -%}
    {%- if from_text -%}
    case
        when {{ regexp_full_match(expression, '[0-9]{10,}') }}
            then {{ to_reporting_date(
                dbt.dateadd('second', 'cast(' ~ expression ~ ' as ' ~ dbt.type_bigint() ~ ') / 1000', "cast('1970-01-01' as timestamp)"),
                var('hubspot_portal_time_zone')) }}
        else {{ to_reporting_date(parse_timestamp_utc(expression), var('hubspot_portal_time_zone')) }}
    end
    {%- else -%}
    {{ to_reporting_date(expression, var('hubspot_portal_time_zone')) }}
    {%- endif -%}
{%- endmacro %}

{#- The HubSpot table and column that feed what a Salesforce contract column feeds
    (not_null_when_exported names the Salesforce one): {table, column}. -#}
{% macro hubspot_column_for(salesforce_table, salesforce_column) -%}
    {%- set columns = {
        ('opportunity', 'owner_id'): {'table': 'deal', 'column': 'owner_id'},
        ('opportunity', 'created_date'): {'table': 'deal', 'column': 'property_createdate'},
        ('lead', 'created_date'): {'table': 'contact', 'column': 'property_createdate'},
        ('lead', 'owner_id'): {'table': 'contact', 'column': 'property_hubspot_owner_id'},
    } -%}
    {%- if (salesforce_table, salesforce_column) not in columns -%}
        {{ exceptions.raise_compiler_error("hubspot_column_for: no HubSpot column feeds " ~ salesforce_table ~ "." ~ salesforce_column) }}
    {%- endif -%}
    {{ return(columns[(salesforce_table, salesforce_column)]) }}
{%- endmacro %}
