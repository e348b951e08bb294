"""Leads: converted ones (the first deal of an account) and open ones, their owners, sources,
status and first touch."""

from __future__ import annotations

import numpy as np

from revops_kpis.generator.clock import DAY, _business_ts
from revops_kpis.generator.model import _Model
from revops_kpis.generator.names import FIRST_NAMES, LAST_NAMES, LEAD_SOURCE_P, LEAD_SOURCES
from revops_kpis.generator.randomness import _stream
from revops_kpis.generator.users import _teammate


def _n_leads(n: int) -> int:
    """~opportunities / 2 at demo scale, ~opportunities / 5 at large scale."""
    return max(n // 5, min(n // 2, 5000))


def _build_leads(mdl: _Model) -> None:
    rng = _stream(mdl.seed, "leads")
    a, n = mdl.arrays, mdl.n
    n_leads = _n_leads(n)
    created_d = a["deal_created"]
    # converted leads: the first deal of an account, created from the lead
    pool = np.flatnonzero((a["deal_type"] == 0) & (created_d > mdl.start_ts + 20 * DAY))
    n_conv = min(int(round(0.25 * n_leads)), pool.size)
    conv_deal = np.sort(rng.choice(pool, n_conv, replace=False))
    n_open = n_leads - n_conv
    lag = np.maximum(np.round(rng.lognormal(np.log(10), 0.8, n_conv)), 1).astype(np.int64)
    c_created = _business_ts(created_d[conv_deal] // DAY - lag, rng)
    too_late = c_created > created_d[conv_deal] - 3600  # a weekend moved it past the deal
    c_created = np.where(too_late, created_d[conv_deal] - rng.integers(3600, 3 * DAY, n_conv), c_created)
    span_days = (mdl.end_ts - mdl.start_ts) // DAY
    o_created = _business_ts(mdl.start_ts // DAY + rng.integers(0, span_days, n_open), rng, max_day=mdl.end_ts // DAY)
    created = np.concatenate([c_created, o_created])
    deal = np.concatenate([conv_deal, np.full(n_open, -1)])
    w = a["rep_weight"] / a["rep_weight"].sum()
    owner = np.concatenate([a["deal_owner0"][conv_deal], rng.choice(a["n_reps"], n_open, p=w)])
    gone = created > a["rep_departure"][owner] - 7 * DAY
    owner[gone] = _teammate(mdl, owner[gone], rng)
    source = np.concatenate([a["deal_lead_source"][conv_deal], rng.choice(len(LEAD_SOURCES), n_open, p=LEAD_SOURCE_P)])
    order = np.argsort(created, kind="stable")
    created, deal, owner, source = created[order], deal[order], owner[order], source[order]
    converted = deal >= 0
    # response: ~10% of leads are never touched; the rest get a first task minutes to days later
    untouched = ~converted & (rng.random(n_leads) < 0.10 / max(1e-9, 1 - n_conv / n_leads))
    delay = np.minimum(rng.lognormal(np.log(90 * 60), 1.8, n_leads), 10 * DAY).astype(np.int64) + 60
    conv_t = np.where(converted, created_d[np.maximum(deal, 0)], np.iinfo(np.int64).max)
    first_touch = np.minimum(created + delay, conv_t - 1800)
    first_touch = np.maximum(first_touch, created + 60)
    touched = ~untouched & (first_touch <= mdl.end_ts)
    recent = created > mdl.end_ts - 60 * DAY
    status = np.where(
        converted, 3, np.where(~touched, 0, np.where(recent | (rng.random(n_leads) < 0.3), 1, 2))
    )  # Open - Not Contacted, Working - Contacted, Closed - Not Converted, Closed - Converted
    a.update(
        n_leads=n_leads,
        lead_created=created,
        lead_deal=deal,
        lead_owner=owner,
        lead_source=source,
        lead_converted=converted,
        lead_conv_t=conv_t,
        lead_touched=touched,
        lead_first_touch=first_touch,
        lead_status=status,
        lead_first=rng.integers(0, len(FIRST_NAMES), n_leads),
        lead_last=rng.integers(0, len(LAST_NAMES), n_leads),
        lead_company=np.where(converted, a["deal_account"][np.maximum(deal, 0)], rng.integers(0, 1 << 30, n_leads)),
        lead_phone=rng.integers(0, 10_000_000, n_leads),
    )
