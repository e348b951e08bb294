{#- The first date (reporting time zone) whose local midnight is at or after a UTC timestamp:
    the first day a state that begins at that instant is seen at the start of a day (the
    inverse of "open at the start of a date": a state in force from `from` to `to` is in
    force at the midnight of the days from first_reporting_day_at_or_after(from) up to,
    excluding, first_reporting_day_at_or_after(to)). -#}
{% macro first_reporting_day_at_or_after(timestamp_expression) -%}
    cast({{ dbt.dateadd(
        'day',
        'case when ' ~ reporting_midnight_utc(to_reporting_date(timestamp_expression)) ~ ' < ' ~ timestamp_expression ~ ' then 1 else 0 end',
        to_reporting_date(timestamp_expression)
    ) }} as date)
{%- endmacro %}
