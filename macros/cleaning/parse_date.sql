{#- ISO text (YYYY-MM-DD, or a timestamp whose date part is taken as written) to a date;
    unparseable text is null. -#}
{% macro parse_date(expression) -%}
    {{ return(adapter.dispatch('parse_date', 'revops_kpis')(expression)) }}
{%- endmacro %}

{#- PostgreSQL (and the default): its cast raises on 2025-02-30 where DuckDB's try_cast
    gives null, so the day is checked first (iso_date_is_valid, no cast that can fail). -#}
{% macro default__parse_date(expression) -%}
    case
        when {{ regexp_full_match(expression, '\\d{4}-\\d{2}-\\d{2}([T ].*)?') }} then
            case
                when {{ iso_date_is_valid(expression) }}
                    then cast(substring({{ expression }} from 1 for 10) as date)
            end
    end
{%- endmacro %}

{% macro duckdb__parse_date(expression) -%}
    case
        when {{ regexp_full_match(expression, '\\d{4}-\\d{2}-\\d{2}([T ].*)?') }}
            then try_cast(left({{ expression }}, 10) as date)
    end
{%- endmacro %}
