{#- The extra Opportunity columns (custom fields) the var revops_opportunity_pass_through_columns
    carries from the raw Opportunity (HubSpot: the deal table) through staging into
    dim_opportunities, as [{name, alias, type}]. Each entry of the var is a field's name as
    exported (Region__c; HubSpot property_region) or a mapping {name, alias, type}:
      alias  the column's name from staging on; default the loader's snake_case of the name
             (Region__c -> region_c, as Fivetran and revops_kpis.warehouse_load name it)
      type   string (default), number, integer, date, timestamp or boolean, parsed as the
             contract's columns are; a value that does not parse is null (a custom field never
             quarantines a deal)
    The field is matched like every header (case and underscores ignored); absent from the
    export, its column is null. An alias must be a plain lower-case identifier, unique, and not
    a column dim_opportunities or the staged opportunity already has. -#}
{% macro opportunity_pass_through_columns() -%}
    {%- set configured = var('revops_opportunity_pass_through_columns', []) or [] -%}
    {%- if configured is string -%}
        {%- set configured = [configured] -%}
    {%- endif -%}
    {%- set reserved = [
        'opportunity_id', 'account_id', 'owner_id', 'opportunity_name', 'stage_name', 'stage_order',
        'amount', 'amount_in_deal_currency', 'currency_code', 'close_date', 'expected_close_date',
        'created_at', 'created_date', 'closed_at', 'closed_date', 'outcome_date', 'is_closed',
        'is_won', 'is_lost', 'is_renewal', 'is_back_dated_close', 'forecast_category',
        'opportunity_type', 'lead_source', 'probability_rate', 'loss_reason', 'stage_id',
        'owner_at_creation_id', 'owner_at_close_id', 'current_owner_id', 'is_missing_conversion_rate',
        'sales_cycle_days', 'created_fiscal_quarter_start', 'closed_fiscal_quarter_start',
    ] -%}
    {%- set types = ['string', 'number', 'integer', 'date', 'timestamp', 'boolean'] -%}
    {%- set columns = [] -%}
    {%- set aliases = [] -%}
    {%- for entry in configured -%}
        {%- set item = entry if entry is mapping else {'name': entry} -%}
        {%- set name = (item.get('name') or '') | string | trim -%}
        {%- if name == '' -%}
            {{ exceptions.raise_compiler_error("revops_opportunity_pass_through_columns: every entry needs a field name, got " ~ entry) }}
        {%- endif -%}
        {%- set alias = (item.get('alias') or loader_column_name(name)) | string | trim -%}
        {%- set column_type = (item.get('type') or 'string') | string | lower | trim -%}
        {%- if not modules.re.match('^[a-z_][a-z0-9_]*$', alias) -%}
            {{ exceptions.raise_compiler_error("revops_opportunity_pass_through_columns: the alias '" ~ alias ~ "' of " ~ name ~ " must be a lower-case identifier (letters, digits, underscores)") }}
        {%- endif -%}
        {%- if alias in reserved or alias.startswith('_') or alias in aliases -%}
            {{ exceptions.raise_compiler_error("revops_opportunity_pass_through_columns: the column '" ~ alias ~ "' (from " ~ name ~ ") is already a column of dim_opportunities or of another pass-through field: give it another alias") }}
        {%- endif -%}
        {%- if column_type not in types -%}
            {{ exceptions.raise_compiler_error("revops_opportunity_pass_through_columns: the type of " ~ name ~ " must be one of " ~ types | join(', ') ~ ", not '" ~ column_type ~ "'") }}
        {%- endif -%}
        {%- do aliases.append(alias) -%}
        {%- do columns.append({'name': name, 'alias': alias, 'type': column_type}) -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}

{#- A loader's column name for a header (Python twin: revops_kpis.warehouse_load.snake_case):
    Region__c -> region_c, CallDurationInSeconds -> call_duration_in_seconds. -#}
{% macro loader_column_name(header) -%}
    {%- set name = modules.re.sub('([a-z0-9])([A-Z])', '\\1_\\2', header | trim) -%}
    {%- set name = modules.re.sub('([A-Z]+)([A-Z][a-z])', '\\1_\\2', name) -%}
    {%- set name = modules.re.sub('[\\s_]+', '_', name).rstrip('_') | lower -%}
    {{ return(name or (header | lower)) }}
{%- endmacro %}
