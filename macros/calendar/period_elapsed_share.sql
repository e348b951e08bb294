{#- The share of a fiscal period elapsed at a moment (a UTC timestamp: the as-of time), as a
    double in 0..1: the fractional days from the midnight that starts the period to the moment,
    over the days from that midnight to the one that ends it, both midnights in the reporting
    time zone (reporting_midnight_utc). 1 for a period over by then, 0 for one not begun. -#}
{% macro period_elapsed_share(period_start, period_end, moment) -%}
    case
        when {{ moment }} >= {{ reporting_midnight_utc(period_end) }} then cast(1 as {{ type_double() }})
        when {{ moment }} <= {{ reporting_midnight_utc(period_start) }} then cast(0 as {{ type_double() }})
        else
            {{ days_between(reporting_midnight_utc(period_start), moment) }}
            / {{ days_between(reporting_midnight_utc(period_start), reporting_midnight_utc(period_end)) }}
    end
{%- endmacro %}
