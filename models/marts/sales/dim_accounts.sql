{#- One row per account created by the as-of time (or not dated by the export): its owner,
    industry and type, and its history as a customer (first and latest won deal, won deals and
    bookings to date). -#}

with as_of as (
    select as_of from {{ ref('stg_crm__export_as_of') }}
),

accounts as (
    {{ rows_up_to_as_of(ref('stg_crm__accounts'), 'created_at', 'as_of', keep_undated=true) }}
),

outcomes as (
    select * from {{ ref('int_opportunity_outcomes') }}
),

won as (
    select
        account_id,
        count(*) as won_deal_count,
        sum(amount) as bookings_amount,
        min(closed_at) as first_won_at,
        max(closed_at) as last_won_at
    from outcomes
    where is_won
    group by account_id
),

final as (
    select
        accounts.account_id,
        {{ mask_contact_details('accounts.account_name') }} as account_name,
        accounts.owner_id,
        accounts.industry,
        accounts.account_type,
        accounts.created_at,
        won.first_won_at,
        won.last_won_at,
        coalesce(won.won_deal_count, 0) as won_deal_count,
        coalesce(won.bookings_amount, cast(0 as decimal(18, 2))) as bookings_amount,
        won.account_id is not null as is_customer
    from accounts
    left join won
        on accounts.account_id = won.account_id
)

{{ select_contract_columns('final') }}
