{#- A user's name: Name when it is there, else FirstName and LastName joined by a space (or
    whichever of the two there is), else null. Salesforce's own Name is the same join for
    most locales; exports of the User object without Name (report exports, trimmed Data
    Loader extracts) still carry the two parts. Arguments are column expressions, landed and
    cleaned (blank = null). -#}
{% macro salesforce_user_name(name, first_name, last_name) -%}
    coalesce(
        {{ name }},
        case
            when {{ first_name }} is not null and {{ last_name }} is not null
                then {{ dbt.concat([first_name, "' '", last_name]) }}
            else coalesce({{ first_name }}, {{ last_name }})
        end
    )
{%- endmacro %}
