"""Interactions: activities on deals, leads and accounts, split into tasks (calls, emails,
other) and events (meetings, demos), with their owners, contacts and times."""

from __future__ import annotations

import numpy as np

from revops_kpis.generator.clock import DAY, _business_ts, _time_order
from revops_kpis.generator.history import _owner_at
from revops_kpis.generator.model import _Model
from revops_kpis.generator.randomness import _stream
from revops_kpis.generator.users import _teammate


CH_CALL, CH_EMAIL, CH_TMEET, CH_OTHER, CH_MEET, CH_DEMO = range(6)
P_DEAL_CHANNEL = [0.33, 0.38, 0.03, 0.06, 0.13, 0.07]
P_LEAD_CHANNEL = [0.48, 0.44, 0.0, 0.03, 0.05, 0.0]


def _build_interactions(mdl: _Model) -> None:
    rng = _stream(mdl.seed, "interactions")
    a, n, h = mdl.arrays, mdl.n, mdl.arrays["hist"]
    K = mdl.stages.k
    created = a["deal_created"]
    final = a["deal_final_stage"]
    # activity span: creation to final close; stalled deals go quiet when they stall
    act_end = np.where(final >= K, a["deal_last_t"], mdl.end_ts)
    act_end = np.minimum(act_end, a["deal_stall_t"])
    act_end = np.maximum(act_end, created + 3600)
    span_days = (act_end - created) / DAY
    rate = np.where(final == K, 0.26, np.where(final == K + 1, 0.15, 0.22))
    rate = np.where(a["deal_stalled"], 0.10, rate) * np.exp(rng.normal(0, 0.3, n))
    cnt = rng.poisson(rate * span_days)
    d_deal = np.repeat(np.arange(n), cnt)
    d_t = created[d_deal] + (rng.random(d_deal.size) * (act_end - created)[d_deal]).astype(np.int64)
    # more activity right before a deal moves forward
    adv = np.flatnonzero((h["stage"] > h["stage"][np.maximum(h["prev"], 0)]) & (h["prev"] >= 0) & (h["stage"] <= K))
    bonus = rng.poisson(1.5, adv.size)
    b_row = np.repeat(adv, bonus)
    b_deal = h["deal"][b_row]
    b_t = h["t"][b_row] - (rng.random(b_row.size) * 10 * DAY).astype(np.int64)
    deal_i = np.concatenate([d_deal, b_deal])
    deal_t = np.concatenate([d_t, b_t])
    deal_t = _business_ts(deal_t // DAY, rng, max_day=mdl.end_ts // DAY)
    deal_t = np.clip(deal_t, created[deal_i] + 60, act_end[deal_i])
    # lead interactions: first touch, then follow-ups until conversion or the end
    touched = np.flatnonzero(a["lead_touched"])
    follow = rng.poisson(1.5, touched.size)
    f_lead = np.repeat(touched, follow)
    f_t = a["lead_first_touch"][f_lead] + rng.integers(3600, 20 * DAY, f_lead.size)
    ok = f_t < np.minimum(a["lead_conv_t"][f_lead], mdl.end_ts)
    lead_i = np.concatenate([touched, f_lead[ok]])
    lead_t = np.concatenate([a["lead_first_touch"][touched], f_t[ok]])
    lead_first = np.concatenate([np.ones(touched.size, bool), np.zeros(ok.sum(), bool)])
    # account-only interactions: during an open deal of the account, or anywhere
    n_ad = int(0.8 * n)
    ad_deal = rng.integers(0, n, n_ad)
    ad_t = created[ad_deal] + (rng.random(n_ad) * (act_end - created)[ad_deal]).astype(np.int64)
    n_aa = int(0.6 * n)
    aa_acc = rng.integers(0, a["n_acc"], n_aa)
    aa_t = _business_ts(mdl.start_ts // DAY + rng.integers(0, (mdl.end_ts - mdl.start_ts) // DAY, n_aa), rng, max_day=mdl.end_ts // DAY)
    acc_i = np.concatenate([a["deal_account"][ad_deal], aa_acc])
    acc_t = np.concatenate([ad_t, aa_t])
    acc_deal = np.concatenate([ad_deal, np.full(n_aa, -1)])

    # one table of all interactions: parent kind 0 = deal, 1 = lead, 2 = account
    never = np.iinfo(np.int64).min
    n_d, n_l, n_a = deal_i.size, lead_i.size, acc_i.size
    m = n_d + n_l + n_a
    # owner: the deal owner at the time (or the lead / account owner); sometimes a colleague
    rep = np.concatenate(
        [
            _owner_at(mdl, deal_i, deal_t),
            a["lead_owner"][lead_i],
            np.where(acc_deal >= 0, _owner_at(mdl, np.maximum(acc_deal, 0), acc_t), a["acc_home"][acc_i]),
        ]
    ).astype(np.int32)
    ts = np.concatenate([deal_t, lead_t, acc_t])
    parent_created = np.concatenate([created[deal_i], a["lead_created"][lead_i], np.full(n_a, never)])
    account = np.concatenate([a["deal_account"][deal_i], np.full(n_l, -1), acc_i]).astype(np.int32)
    parent = np.concatenate([deal_i, lead_i, acc_i]).astype(np.int32)
    del deal_t, lead_t, acc_t, deal_i, acc_i, acc_deal
    pkind = np.repeat(np.array([0, 1, 2], np.int8), [n_d, n_l, n_a])
    first_touch = np.zeros(m, bool)
    first_touch[n_d : n_d + n_l] = lead_first
    channel = np.empty(m, np.int8)
    channel[:n_d] = rng.choice(6, n_d, p=P_DEAL_CHANNEL)
    channel[n_d : n_d + n_l] = rng.choice(6, n_l, p=P_LEAD_CHANNEL)
    channel[n_d + n_l :] = rng.choice(6, n_a, p=P_DEAL_CHANNEL)
    ft = np.flatnonzero(first_touch)
    channel[ft] = np.where(rng.random(ft.size) < 0.55, CH_CALL, CH_EMAIL)
    gone = np.flatnonzero(ts > a["rep_departure"][rep])
    rep[gone] = _teammate(mdl, rep[gone], rng)
    uid = a["rep_uid"][rep].astype(np.int32)
    col = np.flatnonzero((rng.random(m) < 0.08) & ~first_touch)
    uid[col] = np.where(rng.random(col.size) < 0.5, a["user_manager"][uid[col]], a["rep_uid"][_teammate(mdl, rep[col], rng)])
    del rep, gone, col
    # contact (WhoId) for deal / account interactions: one of ~4 contacts per account
    who = np.where(rng.random(m) < 0.8, account * 4 + rng.integers(0, 4, m, dtype=np.int32), -1).astype(np.int32)
    who[pkind == 1] = -1

    def take(idx, order):
        sel = idx[order]
        return {"pkind": pkind[sel], "parent": parent[sel], "account": account[sel], "who": who[sel], "owner": uid[sel], "channel": channel[sel]}

    # tasks: created ~ when done (a few logged later, none before the parent), calls with a
    # duration, a few still open
    t_idx = np.flatnonzero(channel < CH_MEET)
    tm = t_idx.size
    t_done = ts[t_idx]
    t_created = t_done - rng.integers(0, 900, tm)
    later = rng.random(tm) < 0.10
    t_created = np.where(later, np.minimum(t_done + rng.integers(60, 7200, tm), np.maximum(t_done, mdl.end_ts - 600)), t_created)
    t_created = np.minimum(np.maximum(t_created, parent_created[t_idx]), np.maximum(t_done, t_created))
    t_open = (rng.random(tm) < 0.03) & ~first_touch[t_idx]
    duration = np.maximum(rng.lognormal(np.log(300), 0.9, tm), 15).astype(np.int32)
    due = rng.integers(1, 14, tm, dtype=np.int8)
    o = _time_order(t_created)
    task = take(t_idx, o)
    task.update(done=t_done[o], created=t_created[o], open=t_open[o], due_days=due[o], duration=duration[o])
    a["task"] = task
    del t_idx, t_done, t_created, later, t_open, duration, due, o
    # events: scheduled in advance, 30/45/60 minutes, all in the past
    e_idx = np.flatnonzero(channel >= CH_MEET)
    em = e_idx.size
    start = np.minimum(ts[e_idx], mdl.end_ts - 3600)
    e_created = start - rng.integers(2 * 3600, 7 * DAY, em)
    e_created = np.minimum(np.maximum(e_created, parent_created[e_idx]), start)
    length = rng.choice(np.array([1800, 2700, 3600]), em)
    o = _time_order(e_created)
    event = take(e_idx, o)
    event.update(start=start[o], end=start[o] + length[o], created=e_created[o])
    a["event"] = event
