"""Deals at creation: time, account, type, owner, currency, amount, first stage and close date."""

from __future__ import annotations

import numpy as np

from revops_kpis.generator.clock import DAY, _business_ts
from revops_kpis.generator.model import _Model, _quarter_index
from revops_kpis.generator.names import LEAD_SOURCE_P, LEAD_SOURCES, PRODUCTS
from revops_kpis.generator.randomness import _stream
from revops_kpis.generator.users import _teammate


def _build_deals(mdl: _Model) -> None:
    rng = _stream(mdl.seed, "deals")
    a, n = mdl.arrays, mdl.n
    n_acc = max(8, n // 3)
    # creation times: growing volume over the window, business hours, sorted (ids follow)
    span_days = (mdl.end_ts - mdl.start_ts) // DAY - 3
    day = mdl.start_ts // DAY + np.floor(rng.random(n) ** 0.85 * span_days).astype(np.int64)
    created = np.sort(_business_ts(day, rng, max_day=mdl.end_ts // DAY - 3))
    # accounts: skewed (some accounts get many deals), randomly labelled
    acc_perm = rng.permutation(n_acc)
    account = acc_perm[np.minimum((rng.random(n) ** 1.6 * n_acc).astype(np.int64), n_acc - 1)]
    # type: first deal on an account is New Business, later ones mostly expansion/renewal
    order = np.lexsort((np.arange(n), account))
    first = np.ones(n, bool)
    first[order[1:]] = account[order[1:]] != account[order[:-1]]
    later_type = rng.choice(3, n, p=[0.10, 0.55, 0.35])
    dtype_ = np.where(first, 0, later_type)
    # owners: the account's home rep mostly, else any rep; reps who left get no new deals
    home = rng.choice(a["n_reps"], n_acc, p=a["rep_weight"] / a["rep_weight"].sum())
    owner = np.where(rng.random(n) < 0.8, home[account], rng.choice(a["n_reps"], n, p=a["rep_weight"] / a["rep_weight"].sum()))
    gone = created > a["rep_departure"][owner] - 14 * DAY
    owner[gone] = _teammate(mdl, owner[gone], rng)
    # currency per account, amount lognormal by type (EUR deals priced in EUR)
    acc_eur = rng.random(n_acc) < 0.15
    eur = acc_eur[account]
    median = np.array([30_000, 15_000, 22_000])[dtype_]
    usd = rng.lognormal(np.log(median), 0.7)
    rate = np.where(eur, a["eur_rate"][_quarter_index(mdl, created)], 1.0)
    amount = np.maximum(np.round(usd * rate / 100), 10).astype(np.int64) * 10_000  # cents, whole hundreds
    # creation stage: mostly the first stage, some directly in the 3rd or 4th
    u = rng.random(n)
    stage0 = np.where(u < 0.93, 0, np.where(u < 0.965, 2, 3)).astype(np.int64)
    close0 = created // DAY + np.round(rng.lognormal(np.log(np.array([50, 40, 30])[dtype_]), 0.4)).astype(np.int64)
    lost_mult = rng.lognormal(0, 0.35, n) * np.array([1.1, 0.8, 0.5])[dtype_] / a["rep_skill"][owner]
    a.update(
        n_acc=n_acc,
        acc_eur=acc_eur,
        acc_home=home,
        deal_created=created,
        deal_account=account,
        deal_type=dtype_,
        deal_owner0=owner,
        deal_eur=eur,
        deal_amount0=amount,
        deal_stage0=stage0,
        deal_close0=close0,
        deal_lost_mult=lost_mult,
        deal_lead_source=rng.choice(len(LEAD_SOURCES), n, p=LEAD_SOURCE_P),
        deal_product=rng.integers(0, len(PRODUCTS), n),
    )
