{#- Tier 1 outcomes: did we make money, and keep customers? One row per grain (rep, team,
    company), grain id and fiscal period. Bookings count for the owner at close in the period
    of the final close. Retention looks at the 12 months before the period start (the
    accounts that bought) and the 12 months after (did they buy again); net revenue
    retention compares the 12 months ending with the period with the 12 before; at rep and
    team grain each base account's current bookings are shared in proportion to the grain's
    prior bookings of it, so rep rows add up to team and company rows. Each window carries
    whether it is complete: its forward months over at the as-of date, its base months after
    the first deal's creation (the export covers them). A won deal
    whose amount is unknown (no amount, or no conversion rate for its currency) counts in
    won_count and in won_unknown_amount_count, never in an amount; net revenue retention
    leaves out the accounts with such a deal in the 24 months it looks at
    (nrr_unknown_amount_account_count), at every grain alike, so its numerator and
    denominator cover the same accounts. Each figure comes from its model in
    intermediate/sales/outcomes (int_outcome_*); this model lays them on the spine, zero-fills
    them and computes the ratios: customer lifetime value (annual bookings per retained
    customer x gross margin rate / (1 - logo retention rate)) and the magic number (the
    quarter's bookings growth over the quarter before, x 4, / that quarter's spend).
    Definitions: docs blocks kpi_*. -#}

with spine as (
    select * from {{ ref('int_kpi_grain_periods') }}
),

as_of as (
    select {{ to_reporting_date('as_of') }} as as_of_date from {{ ref('stg_crm__export_as_of') }}
),

outcomes as (
    select * from {{ ref('int_opportunity_outcomes') }}
),

spend as (
    select * from {{ ref('sales_marketing_spend') }}
),

bookings as (
    select * from {{ ref('int_outcome_bookings') }}
),

renewals as (
    select * from {{ ref('int_outcome_renewals') }}
),

new_customers as (
    select * from {{ ref('int_outcome_new_customers') }}
),

quota_reps as (
    select * from {{ ref('int_outcome_quota_reps') }}
),

retention as (
    select * from {{ ref('int_outcome_logo_retention') }}
),

nrr_current as (
    select * from {{ ref('int_outcome_net_revenue_retention') }}
),

-- the first deal's creation: the export covers no window that starts before it
data_start as (
    select min(created_date) as first_created_date from outcomes
),

spend_by_period as (
    {%- for grain in month_period_grains() %}
        select
            '{{ grain }}' as period_grain,
            {{ fiscal_period_start('period_start', grain) }} as period_start,
            sum(spend_amount) as spend_amount
        from spend
        group by {{ fiscal_period_start('period_start', grain) }}
        {{- '\n    union all' if not loop.last }}
    {%- endfor %}
),

combined as (
    select
        spine.grain,
        spine.grain_id,
        spine.grain_name,
        spine.period_grain,
        spine.period_start,
        spine.period_end,
        coalesce(bookings.won_count, 0) as won_count,
        cast(coalesce(bookings.bookings_amount, 0) as decimal(18, 2)) as bookings_amount,
        -- quotas are set per month, quarter and year: no rep carries one for a week
        case
            when {{ is_month_period_grain('spine.period_grain') }} then coalesce(quota_reps.quota_carrying_rep_count, 0)
        end as quota_carrying_rep_count,
        {%- if var('cost_of_sales_rate') is not none %}
        cast(coalesce(bookings.bookings_amount, 0) * {{ var('cost_of_sales_rate') }} as decimal(18, 2)) as cost_amount,
        {%- else %}
            cast(null as decimal(18, 2)) as cost_amount,
        {%- endif %}
        -- needs OpportunityLineItem (list and sales prices), which the export contract does not read yet
        cast(null as decimal(18, 2)) as list_price_amount,
        cast(null as decimal(18, 2)) as sales_price_amount,
        -- the 12-month retention windows: null at week grain (see int_outcome_logo_retention)
        {%- set has_retention = is_month_period_grain('spine.period_grain') %}
        case when {{ has_retention }} then coalesce(retention.retention_base_account_count, 0) end
            as retention_base_account_count,
        case when {{ has_retention }} then coalesce(retention.retained_account_count, 0) end
            as retained_account_count,
        case
            when {{ has_retention }}
                then cast(coalesce(retention.retained_bookings_amount, 0) as decimal(18, 2))
        end as retained_bookings_amount,
        case
            when {{ has_retention }}
                then cast({{ dbt.dateadd('month', 12, 'spine.period_start') }} as date) <= as_of.as_of_date
        end as is_retention_window_complete,
        case
            when {{ has_retention }}
                then coalesce(
                    cast({{ dbt.dateadd('month', -12, 'spine.period_start') }} as date)
                    >= data_start.first_created_date,
                    false
                )
        end as is_retention_base_window_complete,
        case when {{ has_retention }} then spine.period_end <= as_of.as_of_date end as is_nrr_window_complete,
        case
            when {{ has_retention }}
                then coalesce(
                    cast({{ dbt.dateadd('month', -24, 'spine.period_end') }} as date)
                    >= data_start.first_created_date,
                    false
                )
        end as is_nrr_base_window_complete,
        case
            when {{ has_retention }}
                then cast(coalesce(nrr_current.nrr_prior_bookings_amount, 0) as decimal(18, 2))
        end as nrr_prior_bookings_amount,
        case
            when {{ has_retention }}
                then cast(coalesce(nrr_current.nrr_current_bookings_amount, 0) as decimal(18, 2))
        end as nrr_current_bookings_amount,
        coalesce(renewals.renewal_won_count, 0) as renewal_won_count,
        coalesce(renewals.renewal_closed_count, 0) as renewal_closed_count,
        coalesce(new_customers.new_customer_count, 0) as new_customer_count,
        case when spine.grain = 'company' then spend_by_period.spend_amount end as spend_amount,
        coalesce(bookings.won_unknown_amount_count, 0) as won_unknown_amount_count,
        case
            when {{ has_retention }} then coalesce(nrr_current.nrr_unknown_amount_account_count, 0)
        end as nrr_unknown_amount_account_count
    from spine
    cross join as_of
    cross join data_start
    {%- for metrics in ['bookings', 'quota_reps', 'retention', 'nrr_current', 'renewals', 'new_customers'] %}
        left join {{ metrics }}
            on
                spine.grain = {{ metrics }}.grain
                and spine.grain_id = {{ metrics }}.grain_id
                and spine.period_grain = {{ metrics }}.period_grain
                and spine.period_start = {{ metrics }}.period_start
    {%- endfor %}
    left join spend_by_period
        on spine.period_grain = spend_by_period.period_grain and spine.period_start = spend_by_period.period_start
),

-- the quarter before, for the magic number: its bookings and its spend (company rows)
prior_quarters as (
    select
        combined.*,
        prior_quarter.bookings_amount as prior_quarter_bookings_amount,
        prior_quarter.spend_amount as prior_quarter_spend_amount
    from combined
    left join combined as prior_quarter
        on
            combined.period_grain = 'quarter'
            and prior_quarter.period_grain = 'quarter'
            and combined.grain = prior_quarter.grain
            and combined.grain_id = prior_quarter.grain_id
            and prior_quarter.period_start = cast({{ dbt.dateadd('month', -3, 'combined.period_start') }} as date)
),

ratios as (
    select
        combined.*,
        cast(combined.bookings_amount as {{ type_double() }})
        / nullif(combined.quota_carrying_rep_count, 0) as revenue_per_rep_amount,
        combined.bookings_amount - combined.cost_amount as gross_margin_amount,
        cast(combined.bookings_amount - combined.cost_amount as {{ type_double() }})
        / nullif(combined.bookings_amount, 0) as gross_margin_rate,
        1
        - cast(combined.sales_price_amount as {{ type_double() }})
        / nullif(combined.list_price_amount, 0) as discount_rate,
        cast(combined.retained_account_count as {{ type_double() }}) / nullif(combined.retention_base_account_count, 0)
            as logo_retention_rate,
        cast(combined.nrr_current_bookings_amount as {{ type_double() }})
        / nullif(combined.nrr_prior_bookings_amount, 0)
            as net_revenue_retention_rate,
        cast(combined.renewal_won_count as {{ type_double() }})
        / nullif(combined.renewal_closed_count, 0) as renewal_rate,
        cast(combined.spend_amount as {{ type_double() }}) / nullif(combined.new_customer_count, 0) as cac_amount,
        cast(combined.bookings_amount - combined.prior_quarter_bookings_amount as {{ type_double() }}) * 4
        / nullif(combined.prior_quarter_spend_amount, 0) as magic_number_ratio
    from prior_quarters as combined
),

-- annual bookings per retained customer x gross margin rate / (1 - logo retention rate): only
-- on complete retention windows, null when every customer was retained
lifetime_values as (
    select
        ratios.*,
        case
            when ratios.is_retention_window_complete and ratios.is_retention_base_window_complete
                then
                    cast(ratios.retained_bookings_amount as {{ type_double() }})
                    / nullif(ratios.retained_account_count, 0)
                    * ratios.gross_margin_rate
                    / nullif(1 - ratios.logo_retention_rate, 0)
        end as customer_lifetime_value_amount
    from ratios
)

{{ select_contract_columns('lifetime_values') }}
