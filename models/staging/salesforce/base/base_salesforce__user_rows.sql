with
{{ salesforce_typed_ctes('user', track_raw_rows=true) }},

-- a user needs a name (Name, or FirstName and LastName) when the export has any of the
-- three columns; without all of them the user is named by its id downstream
{%- set name_columns = ['name', 'first_name', 'last_name'] | select('in', salesforce_exported_columns('user')) | list %}

checked as (
    select
        *,
        {%- if name_columns | length > 0 %}
            coalesce(
                _parse_failure,
                {{ required_values_check([salesforce_user_name('name', 'first_name', 'last_name')]) }}
            ) as _row_failure
        {%- else %}
            _parse_failure as _row_failure
        {%- endif %}
    from typed
),

{{ salesforce_row_status_ctes('user', 'checked', track_raw_rows=true) }}

select * from classified
