{#- A CTE body: one row per `datepart` (day, week, month: dbt.date_spine's date_<datepart>) from
    the first to the last date of a one-row relation, both included, as a date column
      datepart     day or month (any datepart dbt.date_spine takes)
      bounds       the relation (a CTE) holding the two dates, one row
      first_date   its column of the first date (a date of the spine is kept from it on)
      last_date    its column of the last date (kept up to it, included)
      date_column  the name of the spine's date column
    dbt.date_spine needs bounds known when the SQL is compiled, so the spine runs over a fixed
    range (1990-2100, far wider than any CRM export) and is cut at the relation's dates: the
    one way the reporting calendar (int_fiscal_periods: its months and days) and the pipeline
    dates (int_pipeline_dates: its days) lay their dates. -#}
{% macro date_spine_between(datepart, bounds, first_date, last_date, date_column) -%}
    select cast(spine.date_{{ datepart }} as date) as {{ date_column }}
    from (
        {{ dbt.date_spine(datepart, "cast('1990-01-01' as date)", "cast('2100-01-01' as date)") }}
    ) as spine
    cross join {{ bounds }}
    where
        cast(spine.date_{{ datepart }} as date) >= {{ bounds }}.{{ first_date }}
        and cast(spine.date_{{ datepart }} as date) <= {{ bounds }}.{{ last_date }}
{%- endmacro %}
