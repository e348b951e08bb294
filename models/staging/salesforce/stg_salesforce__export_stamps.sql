{{ config(materialized='table') }}

{#- One row per audited object: the latest system stamp (LastModifiedDate, SystemModstamp) of
    its raw rows, and for the record objects (Opportunity, Account, Lead, Task, Event) the
    latest CreatedDate not later than its own row's system stamps and not isolated: a creation
    more than var future_timestamp_unstamped_tolerance_days after the object's previous one is
    a lone outlier (a mistyped year) and does not count (the base models then quarantine it as
    future_timestamp when it is also past the clock's tolerance). The inputs of the export
    clock (stg_salesforce__export_clock). Read from the landing of every row, deleted and
    quarantined ones too (their stamps are as real), parsing only these columns, and only
    for the objects whose export carries one of them, so the base models can check rows
    against the clock. History objects' CreatedDate is the moment of a change, a business
    timestamp: not here. -#}
{%- set record_objects = ['opportunity', 'account', 'lead', 'task', 'event'] %}
{#- how many of an object's latest creations are looked at for a lone outlier -#}
{%- set latest_creations_examined = 1000 %}
{%- set objects = [] %}
{%- for object in salesforce_audited_objects() %}
    {%- set exported = salesforce_exported_columns(object.table_name) %}
    {%- set parsed = {} %}
    {%- for column in ['system_modstamp', 'last_modified_date', 'created_date'] %}
        {%- set wanted = column != 'created_date' or object.table_name in record_objects %}
        {%- if wanted and column in exported %}
            {%- do parsed.update({column: parse_timestamp_utc(column)}) %}
        {%- else %}
            {%- do parsed.update({column: 'cast(null as ' ~ dbt.type_timestamp() ~ ')'}) %}
        {%- endif %}
    {%- endfor %}
    {%- set reads = (exported | select('in', ['system_modstamp', 'last_modified_date']) | list | length > 0)
        or (object.table_name in record_objects and 'created_date' in exported) %}
    {%- do objects.append({
        'table_name': object.table_name, 'object_name': object.object_name, 'reads': reads, 'parsed': parsed,
    }) %}
{%- endfor %}

with
{%- for object in objects %}
    {%- if object.reads %}
        {{ object.table_name }}_landed as (
            {{ salesforce_landing(object.table_name) }}
        ),
    {%- endif %}

    {{ object.table_name }}_parsed as (
        select
            {{ object.parsed['system_modstamp'] }} as system_modstamp,
            {{ object.parsed['last_modified_date'] }} as last_modified_date,
            {{ object.parsed['created_date'] }} as created_date
        {%- if object.reads %}
            from {{ object.table_name }}_landed
        {%- endif %}
    ),

    -- its latest creations (not later than their own row's stamps), each with the one before
    {{ object.table_name }}_latest_creations as (
        select created_date
        from {{ object.table_name }}_parsed
        where
            created_date is not null
            and not {{ salesforce_created_after_own_stamp(object.table_name, 'created_date') }}
        order by created_date desc
        limit {{ latest_creations_examined }}
    ),

    {{ object.table_name }}_creation_gaps as (
        select
            created_date,
            lead(created_date) over (order by created_date desc) as previous_created_date
        from {{ object.table_name }}_latest_creations
    ),

    {{ object.table_name }}_stamps as (
        select
            '{{ object.object_name }}' as object_name,
            (
                select max({{ salesforce_own_system_stamp(object.table_name) }})
                from {{ object.table_name }}_parsed
            ) as latest_system_stamp_at,
            max(
                case
                    when
                        previous_created_date is null
                        or created_date <= {{ dbt.dateadd(
                            'day', var('future_timestamp_unstamped_tolerance_days'), 'previous_created_date'
                        ) }}
                        then created_date
                end
            ) as latest_record_creation_at
        from {{ object.table_name }}_creation_gaps
    ),
{%- endfor %}

object_stamps as (
    {%- for object in objects %}
        select * from {{ object.table_name }}_stamps
        {{- '\n    union all' if not loop.last }}
    {%- endfor %}
)

select * from object_stamps
