{#- The pipeline flow (waterfall) of each grain and period: the open deals expected to close in
    the period at its start (opening), what came in, what went out and what was left at its
    end (closing), in deals and in corporate-currency amounts, from the deal-level movements
    of int_pipeline_flow_movements. Every rep, team and company row of every period, zero when
    nothing moved. Outflows are published as positive figures: closing = opening + created
    + pulled_in + reopened + increased + moved_in - decreased - pushed_out - pulled_out
    - undated - won - lost - moved_out + fx_revaluation (counts: without increased, decreased
    and fx_revaluation, which move no deal). An owner change inside one grain row (two reps of
    one team at the team row, any two owners at the company row) is no movement there. -#}
{%- set inflows = ['created', 'pulled_in', 'reopened', 'increased', 'moved_in'] %}
{%- set outflows = ['decreased', 'pushed_out', 'pulled_out', 'undated', 'won', 'lost', 'moved_out'] %}
{%- set components = ['opening'] + inflows + outflows + ['fx_revaluation', 'closing'] %}

with spine as (
    select * from {{ ref('int_kpi_grain_periods') }}
),

movements as (
    select * from {{ ref('int_pipeline_flow_movements') }}
),

memberships as (
    select * from {{ ref('int_rep_grain_memberships') }}
),

attributed as (
    {{ attribute_to_grains('movements', 'owner_id', 'memberships', 'rep_id') }}
),

grain_movements as (
    select
        attributed.grain,
        attributed.grain_id,
        attributed.period_grain,
        attributed.period_start,
        attributed.component,
        -- outflows published as positive figures
        case
            when attributed.component_direction = 'outflow' then -attributed.count_change
            else attributed.count_change
        end as published_count,
        case
            when attributed.component_direction = 'outflow' then -attributed.amount_change
            else attributed.amount_change
        end as published_amount
    from attributed
    left join memberships as counterparts
        on
            coalesce(attributed.counterpart_owner_id, '{{ no_owner_rep_id() }}') = counterparts.rep_id
            and attributed.grain = counterparts.grain
    -- an owner change between two owners of the same grain row moves nothing in that row
    where not (
        attributed.component in ('moved_in', 'moved_out')
        and coalesce(attributed.grain_id = counterparts.grain_id, false)
    )
),

flows as (
    select
        {%- for component in components %}
            {%- if component in ['increased', 'decreased', 'fx_revaluation'] %}
                -- changes: no deal moves in or out
                sum(case when component = '{{ component }}' then 1 else 0 end) as {{ component }}_count,
            {%- else %}
                sum(case when component = '{{ component }}' then published_count else 0 end) as {{ component }}_count,
            {%- endif %}
            sum(case when component = '{{ component }}' then published_amount end) as {{ component }}_amount,
        {%- endfor %}
        grain,
        grain_id,
        period_grain,
        period_start
    from grain_movements
    group by grain, grain_id, period_grain, period_start
),

zero_filled as (
    select
        {%- for component in components %}
            coalesce(flows.{{ component }}_count, 0) as {{ component }}_count,
            coalesce(flows.{{ component }}_amount, cast(0 as decimal(18, 2))) as {{ component }}_amount,
        {%- endfor %}
        spine.grain,
        spine.grain_id,
        spine.grain_name,
        spine.period_grain,
        spine.period_start,
        spine.period_end
    from spine
    left join flows
        on
            spine.grain = flows.grain
            and spine.grain_id = flows.grain_id
            and spine.period_grain = flows.period_grain
            and spine.period_start = flows.period_start
)

{{ select_contract_columns('zero_filled') }}
