{#- One row per cut-off of the win-probability model: an instant the model is fitted at, learning
    only from the deals closed by then. The cut-offs are the reporting midnights that start the
    fiscal periods of var win_probability_refit_every (month, quarter or year; int_fiscal_periods)
    before the as-of time, and the as-of time itself (the current fit, is_current). A fit is in
    force from its cut-off (fitted_at) to the next one (valid_to, null for the current fit): a
    deal's state at an instant is scored with the fit in force then. -#}
{%- set refit_every = var('win_probability_refit_every') | string | lower | trim %}
{%- if refit_every not in ['month', 'quarter', 'year'] %}
    {{ exceptions.raise_compiler_error(
        "The var win_probability_refit_every must be month, quarter or year, not '" ~ refit_every ~ "'"
    ) }}
{%- endif %}

with periods as (
    select * from {{ ref('int_fiscal_periods') }}
),

as_of as (
    select as_of from {{ ref('stg_crm__export_as_of') }}
),

period_start_cutoffs as (
    select
        {{ reporting_midnight_utc('periods.period_start') }} as fitted_at,
        'period_start' as cutoff_kind
    from periods
    where periods.period_grain = '{{ refit_every }}'
),

-- the period starts before the as-of time, and the as-of time (once, also when it is a period start)
cutoffs as (
    select
        period_start_cutoffs.fitted_at,
        period_start_cutoffs.cutoff_kind
    from period_start_cutoffs
    cross join as_of
    where period_start_cutoffs.fitted_at < as_of.as_of
    union all
    select
        as_of as fitted_at,
        'as_of' as cutoff_kind
    from as_of
),

cutoffs_in_force as (
    select
        fitted_at,
        cutoff_kind,
        lead(fitted_at) over (order by fitted_at) as valid_to,
        cutoff_kind = 'as_of' as is_current
    from cutoffs
)

select * from cutoffs_in_force
