{#- Whether a cohort (the records that entered something in a period) has had time to run its
    course, so its rate can be compared with older ones: null for an empty cohort; true when
    the period ended `mature_after_days` days or more before the as-of time, or, given
    `still_open_count`, when at most var stage_conversion_max_open_share of the cohort can
    still move. One rule for stage conversion, the opportunity cohort and the lead cohort. -#}
{% macro cohort_is_mature(cohort_count, period_end, as_of, mature_after_days, still_open_count=none) -%}
    case
        when {{ cohort_count }} > 0
            then
            {%- if still_open_count is not none %}
                {{ still_open_count }} <= {{ var('stage_conversion_max_open_share') }} * {{ cohort_count }}
                or
            {%- endif %}
                {{ days_between(reporting_midnight_utc(period_end), as_of) }} >= {{ mature_after_days }}
    end
{%- endmacro %}
