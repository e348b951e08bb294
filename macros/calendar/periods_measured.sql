{#- The instants each fiscal period is measured at: the one rule of "open at the end of a
    period". A CTE body: one row per period of `periods` (int_fiscal_periods, or a CTE of it)
    that started by the as-of time (`as_of`: a relation with the column as_of), with
      opened_at      the period's start: the reporting midnight of period_start (UTC), the
                     instant int_open_deals_at_dates takes the period_start date at;
      measured_at    its end: the reporting midnight of period_end, which is the next period's
                     start (a date of int_open_deals_at_dates), or the as-of time for the period
                     still running then (whichever is earlier);
      measured_date  the date of measured_at in the reporting time zone: period_end, or the
                     as-of date (what "past due" and the rate of the closing compare with).
    Read by int_open_deals_at_period_end and int_pipeline_flow_movements (the closing level). -#}
{% macro periods_measured(periods='periods', as_of='as_of') -%}
    {%- set period_end_at = reporting_midnight_utc(periods ~ '.period_end') %}
    select
        {{ periods }}.period_grain,
        {{ periods }}.period_start,
        {{ periods }}.period_end,
        {{ reporting_midnight_utc(periods ~ '.period_start') }} as opened_at,
        case
            when {{ period_end_at }} < {{ as_of }}.as_of then {{ period_end_at }}
            else {{ as_of }}.as_of
        end as measured_at,
        case
            when {{ period_end_at }} < {{ as_of }}.as_of then {{ periods }}.period_end
            else {{ to_reporting_date(as_of ~ '.as_of') }}
        end as measured_date
    from {{ periods }}
    cross join {{ as_of }}
    where {{ reporting_midnight_utc(periods ~ '.period_start') }} <= {{ as_of }}.as_of
{%- endmacro %}
