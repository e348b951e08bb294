{#- The select that lands one object as text (see salesforce_landing). `reader` is a
    read_csv/read_parquet call or a relation, `headers` its column names, `location` what
    to name in error messages; reader none = the object is absent (an empty result). A
    missing required column stops the run naming the KPIs that need it (meta.needed_for).
    row_count_only: one row, raw_row_count, the number of raw rows (after the same checks).
    An optional object whose file lacks required columns but holds no rows lands as absent. -#}
{% macro salesforce_landing_select(spec, reader, headers, location, row_count_only=false) -%}
    {%- set header_by_column = salesforce_column_headers(spec, headers) -%}
    {%- set select_items = [] -%}
    {%- set missing_required = [] -%}
    {%- set needs = [] -%}
    {%- for column in spec.columns -%}
        {%- set header = header_by_column.get(column.name) -%}
        {%- if reader is not none and header is not none -%}
            {%- set quoted = salesforce_quote_header(header) -%}
            {%- do select_items.append(clean_string('cast(' ~ quoted ~ ' as ' ~ dbt.type_string() ~ ')') ~ ' as ' ~ column.name) -%}
        {%- else -%}
            {%- if reader is not none and column.required -%}
                {%- do missing_required.append(column.api_name) -%}
                {%- if column.needed_for -%}
                    {%- do needs.append(column.api_name ~ ' is needed for ' ~ column.needed_for) -%}
                {%- endif -%}
            {%- endif -%}
            {%- do select_items.append('cast(null as ' ~ dbt.type_string() ~ ') as ' ~ column.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if missing_required | length > 0 and not spec.required and execute -%}
        {#- an optional object's file with a header and no rows is an absent object, whatever
            its header holds -#}
        {%- set row_count = run_query('select count(*) from ' ~ reader).columns[0].values()[0] -%}
        {%- if row_count == 0 -%}
            {{ return(salesforce_landing_select(spec, none, [], location, row_count_only)) }}
        {%- endif -%}
    {%- endif -%}
    {%- if missing_required | length > 0 -%}
        {#- a namespace: a plain set inside the loop would not outlive it -#}
        {%- set found = namespace(hint='') -%}
        {%- if headers | length == 1 -%}
            {%- for delimiter, label in [(';', 'semicolon'), ('\t', 'tab'), ('|', 'pipe')] -%}
                {%- if delimiter in headers[0] and found.hint == '' -%}
                    {%- set found.hint = ' The header reads as one column containing "' ~ delimiter ~ '": the file looks ' ~ label ~ '-delimited; export it comma-delimited.' -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}
        {{ exceptions.raise_compiler_error(
            spec.object_name ~ " export " ~ location ~ " is missing required column(s) " ~ missing_required | join(', ')
            ~ "." ~ ((' ' ~ needs | join('; ') ~ '.') if needs else '')
            ~ " Header found: " ~ headers | join(', ') ~ "." ~ found.hint) }}
    {%- endif -%}
    {%- set deleted_header = namespace(name=none) -%}
    {%- for header in headers -%}
        {%- if salesforce_match_key(header) == 'fivetrandeleted' -%}
            {%- set deleted_header.name = header -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if row_count_only -%}
    select {{ 'count(*)' if reader is not none else '0' }} as raw_row_count
    {%- if reader is not none %}
    from {{ reader }}
    {%- endif -%}
    {%- elif reader is none -%}
    select
        {{ select_items | join(',\n        ') }},
        false as _is_source_deleted,
        cast(null as {{ dbt.type_bigint() }}) as _raw_row_number
    where 1 = 0
    {%- else -%}
    select
        {{ select_items | join(',\n        ') }},
        {%- if deleted_header.name is not none %}
        coalesce({{ parse_boolean(clean_string('cast(' ~ salesforce_quote_header(deleted_header.name) ~ ' as ' ~ dbt.type_string() ~ ')')) }}, false) as _is_source_deleted,
        {%- else %}
        false as _is_source_deleted,
        {%- endif %}
        {{ salesforce_raw_row_number() }} as _raw_row_number
    from {{ reader }}
    {%- endif -%}
{%- endmacro %}
