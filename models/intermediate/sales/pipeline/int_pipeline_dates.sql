{#- Every date the pipeline's state is taken at, once each: the start of every fiscal period of
    int_fiscal_periods (is_period_start) and every snapshot date (is_snapshot_date): the week
    starts (fiscal_period_start(day, 'week')) or, with var pipeline_snapshot_grain = day, every
    day, from the first deal's creation to the as-of date. A date's state is taken at its
    reporting midnight (snapshot_at, UTC); a date whose midnight is after the as-of time is
    not listed. -#}
{%- set snapshot_grain = var('pipeline_snapshot_grain') | string | lower | trim %}
{%- if snapshot_grain not in ['week', 'day'] %}
    {{ exceptions.raise_compiler_error(
        "The var pipeline_snapshot_grain must be week or day, not '" ~ snapshot_grain ~ "'"
    ) }}
{%- endif %}

with periods as (
    select * from {{ ref('int_fiscal_periods') }}
),

opportunities as (
    select created_at from {{ ref('stg_crm__opportunities') }}
),

as_of as (
    select as_of from {{ ref('stg_crm__export_as_of') }}
),

bounds as (
    select
        {{ to_reporting_date('min(opportunities.created_at)') }} as first_creation_date,
        {{ to_reporting_date('max(as_of.as_of)') }} as as_of_date
    from opportunities
    cross join as_of
),

days_in_range as (
    {{ date_spine_between('day', 'bounds', 'first_creation_date', 'as_of_date', 'calendar_date') }}
),

snapshot_dates as (
    select distinct
        {%- if snapshot_grain == 'week' %}
            {{ fiscal_period_start('days_in_range.calendar_date', 'week') }} as snapshot_date
        {%- else %}
            days_in_range.calendar_date as snapshot_date
        {%- endif %}
    from days_in_range
),

-- a week that started before the first creation has no deal open at its start
snapshot_dates_in_range as (
    select snapshot_dates.snapshot_date
    from snapshot_dates
    cross join bounds
    where snapshot_dates.snapshot_date >= bounds.first_creation_date
),

period_starts as (
    select distinct period_start as snapshot_date
    from periods
),

all_dates as (
    select snapshot_date from snapshot_dates_in_range
    union
    select snapshot_date from period_starts
),

flagged as (
    select
        all_dates.snapshot_date,
        {{ reporting_midnight_utc('all_dates.snapshot_date') }} as snapshot_at,
        snapshot_dates_in_range.snapshot_date is not null as is_snapshot_date,
        period_starts.snapshot_date is not null as is_period_start
    from all_dates
    left join snapshot_dates_in_range
        on all_dates.snapshot_date = snapshot_dates_in_range.snapshot_date
    left join period_starts
        on all_dates.snapshot_date = period_starts.snapshot_date
),

up_to_as_of as (
    select flagged.*
    from flagged
    cross join as_of
    where flagged.snapshot_at <= as_of.as_of
)

select * from up_to_as_of
