-- Every deal has exactly one outcome: in dim_opportunities, won + lost + open = all deals, and
-- all deals = the opportunities staged from the export that were created by the as-of time
-- (stg_crm__opportunities). Fails with the four counts when a deal is lost on the way
-- (or duplicated), counted both won and lost, or closed without an outcome.
with as_of as (
    select as_of from {{ ref('stg_crm__export_as_of') }}
),

exported as (
    select count(*) as deal_count
    from {{ ref('stg_crm__opportunities') }} as opportunities
    cross join as_of
    where opportunities.created_at <= as_of.as_of
),

outcomes as (
    select
        count(*) as deal_count,
        sum(case when is_won then 1 else 0 end) as won_count,
        sum(case when is_lost then 1 else 0 end) as lost_count,
        sum(case when not is_closed then 1 else 0 end) as open_count
    from {{ ref('dim_opportunities') }}
),

compared as (
    select
        exported.deal_count as exported_deal_count,
        outcomes.deal_count as dim_deal_count,
        outcomes.won_count,
        outcomes.lost_count,
        outcomes.open_count
    from exported
    cross join outcomes
)

select * from compared
where
    coalesce(won_count, 0) + coalesce(lost_count, 0) + coalesce(open_count, 0) <> exported_deal_count
    or dim_deal_count <> exported_deal_count
