"""Deal history: the lock-step simulation of saved changes (stage, amount, close date), owner
changes, who made each change, and the field history of close dates and owners."""

from __future__ import annotations

import numpy as np

from revops_kpis.generator.clock import DAY, _business_ts
from revops_kpis.generator.model import (
    _OPEN_KINDS,
    _OPEN_P,
    A_AUTOPROC,
    A_INTEGRATION,
    A_MANAGER,
    A_OWNER,
    AMT,
    AUTOCLOSE,
    BACK,
    CD,
    CREATE,
    END,
    FWD,
    FWD_A,
    LOST_K,
    MAX_STEPS,
    PUSH,
    REOPEN,
    SKIP_A,
    SKIP_M,
    STALL,
    _Model,
)
from revops_kpis.generator.names import LOSS_REASONS
from revops_kpis.generator.randomness import _stream
from revops_kpis.generator.users import _teammate


def _simulate_history(mdl: _Model) -> None:
    """Lock-step simulation over all deals: each step draws one saved change per live
    deal (vectorised); loops only over steps."""
    rng = _stream(mdl.seed, "history")
    a, n, st = mdl.arrays, mdl.n, mdl.stages
    K = st.k
    WON, LOST = K, K + 1
    stage = a["deal_stage0"].copy()
    t = a["deal_created"].copy()
    amount = a["deal_amount0"].copy()
    close = a["deal_close0"].copy()
    alive = np.ones(n, bool)
    reopened = np.zeros(n, bool)
    stalled = np.zeros(n, bool)
    burst = np.zeros(n, np.int64)
    last_open = stage.copy()
    out = {k: [] for k in ("deal", "t", "stage", "amount", "close", "actor", "step", "kind")}

    def emit(idx, step, kind, actor):
        out["deal"].append(idx)
        out["t"].append(t[idx].copy())
        out["stage"].append(stage[idx].copy())
        out["amount"].append(amount[idx].copy())
        out["close"].append(close[idx].copy())
        out["actor"].append(np.asarray(actor, np.int64) * np.ones(idx.size, np.int64))
        out["step"].append(np.full(idx.size, step, np.int64))
        out["kind"].append(np.asarray(kind, np.int64) * np.ones(idx.size, np.int64))

    all_idx = np.arange(n)
    emit(all_idx, 0, CREATE, np.where(rng.random(n) < 0.05, A_INTEGRATION, A_OWNER))
    lost_factor = np.linspace(1.3, 0.7, K)
    median_gap = np.linspace(9, 16, K)
    for step in range(1, MAX_STEPS):
        idx = np.flatnonzero(alive)
        if idx.size == 0:
            break
        m = idx.size
        s = stage[idx]
        is_open = s < WON
        in_burst = burst[idx] > 0
        kind = np.full(m, END, np.int64)
        # open deals: categorical draw with per-deal / per-stage weights
        p = np.tile(_OPEN_P, (m, 1))
        so = np.minimum(s, K - 1)
        p[:, 5] *= a["deal_lost_mult"][idx] * lost_factor[so]
        p[s == 0, 4] = 0.0  # no backward move from the first stage
        last = s == K - 1  # from the last open stage, skips and automated moves become the close
        p[last, 0] += p[last, 1] + p[last, 2] + p[last, 3]
        p[last, 1:4] = 0.0
        p /= p.sum(axis=1, keepdims=True)
        draw = _OPEN_KINDS[(rng.random(m)[:, None] > np.cumsum(p, axis=1)).sum(axis=1).clip(0, len(_OPEN_KINDS) - 1)]
        kind = np.where(is_open, np.where(in_burst, FWD, draw), kind)
        # closed deals: lost deals are sometimes reopened once, otherwise the story ends
        reopen = (s == LOST) & ~reopened[idx] & (rng.random(m) < 0.07)
        kind = np.where(reopen, REOPEN, kind)
        # time of the change
        gap_days = np.floor(rng.lognormal(np.log(median_gap[so]), 0.8)).astype(np.int64)
        gap_days = np.where(kind == REOPEN, rng.integers(7, 60, m), gap_days)
        new_t = _business_ts(t[idx] // DAY + gap_days, rng)
        new_t = np.where(new_t <= t[idx], t[idx] + rng.integers(300, 7200, m), new_t)
        new_t = np.where(in_burst, t[idx] + rng.integers(20, 240, m), new_t)
        same_ts = (kind == AMT) & (rng.random(m) < 0.2)
        new_t = np.where(same_ts, t[idx], new_t)
        # a close date in the past gets pushed (most of the time) instead of another change
        movable = np.isin(kind, [FWD, SKIP_M, SKIP_A, FWD_A, BACK, AMT, CD]) & ~in_burst & ~same_ts
        forced_push = movable & (new_t // DAY > close[idx]) & (rng.random(m) < 0.7)
        forced_push &= ~((kind == FWD) & (s == K - 1))
        kind = np.where(forced_push, PUSH, kind)
        # ends: past the export date, stalls, closed deals
        past_end = new_t > mdl.end_ts
        stop = past_end | (kind == STALL) | (kind == END)
        stalled[idx[(kind == STALL) & ~past_end]] = True
        alive[idx[stop]] = False
        keep = ~stop
        idx, s, kind, new_t, in_burst, same_ts = idx[keep], s[keep], kind[keep], new_t[keep], in_burst[keep], same_ts[keep]
        m = idx.size
        if m == 0:
            continue
        # new stage
        skip_to = np.minimum(s + 2 + (rng.random(m) < 0.35), WON)
        new_stage = s.copy()
        new_stage = np.where((kind == FWD) | (kind == FWD_A), s + 1, new_stage)
        new_stage = np.where((kind == SKIP_M) | (kind == SKIP_A), skip_to, new_stage)
        new_stage = np.where(kind == BACK, s - 1, new_stage)
        new_stage = np.where(kind == LOST_K, LOST, new_stage)
        new_stage = np.where(kind == REOPEN, last_open[idx], new_stage)
        changed = new_stage != s
        closes = changed & (new_stage >= WON)
        # close date
        day = new_t // DAY
        cl = close[idx]
        push_by = rng.integers(7, 60, m)
        pull_by = rng.integers(7, 30, m)
        cd_push = (kind == CD) & (rng.random(m) < 0.8)
        cd_pull = (kind == CD) & ~cd_push
        cl = np.where(cd_push, cl + push_by, cl)
        pulled = np.maximum(day + 1, cl - pull_by)
        cl = np.where(cd_pull, np.where(pulled < cl, pulled, cl + push_by), cl)
        cl = np.where(kind == PUSH, np.maximum(cl, day) + rng.integers(7, 45, m), cl)
        cl = np.where(changed & ~closes & (kind != REOPEN) & (rng.random(m) < 0.1), cl + push_by, cl)
        cl = np.where(closes & (rng.random(m) < 0.96), day, cl)
        cl = np.where(kind == REOPEN, day + rng.integers(20, 60, m), cl)
        # amount
        amt = amount[idx]
        factor = np.exp(rng.normal(0, 0.15, m))
        amt_change = (kind == AMT) | (changed & ~closes & (rng.random(m) < 0.08))
        amt = np.where(amt_change, np.maximum(np.round(amt * factor / 10_000), 1).astype(np.int64) * 10_000, amt)
        won_adj = closes & (new_stage == WON) & (rng.random(m) < 0.3)
        amt = np.where(won_adj, np.maximum(np.round(amt * rng.uniform(0.85, 1.05, m) / 10_000), 1).astype(np.int64) * 10_000, amt)
        # who
        actor = np.where(rng.random(m) < 0.04, A_MANAGER, A_OWNER)
        actor = np.where(in_burst, A_OWNER, actor)
        actor = np.where((kind == SKIP_A) | (kind == FWD_A) | same_ts, A_INTEGRATION, actor)
        # batch logging: a rep enters 2-4 stage changes within minutes
        manual_move = ((kind == FWD) | (kind == SKIP_M)) & (actor == A_OWNER) & (new_stage < WON)
        start_burst = manual_move & ~in_burst & (rng.random(m) < 0.06)
        b = burst[idx]
        b = np.where(in_burst, b - 1, b)
        b = np.where(start_burst, rng.integers(1, 4, m), b)
        b = np.where(new_stage >= WON, 0, b)
        # apply
        stage[idx] = new_stage
        t[idx] = new_t
        close[idx] = cl
        amount[idx] = amt
        burst[idx] = b
        reopened[idx] |= kind == REOPEN
        op = new_stage < WON
        last_open[idx[op]] = new_stage[op]
        emit(idx, step, kind, actor)
    # the Automated Process user closes some long-stalled deals as lost
    stall_idx = np.flatnonzero(stalled)
    u = rng.random(stall_idx.size)
    ac_t = _business_ts(t[stall_idx] // DAY + rng.integers(100, 200, stall_idx.size), rng)
    ac = stall_idx[(u < 0.35) & (ac_t <= mdl.end_ts)]
    a["deal_stall_t"] = np.where(stalled, t, np.iinfo(np.int64).max)
    if ac.size:
        t[ac] = ac_t[(u < 0.35) & (ac_t <= mdl.end_ts)]
        stage[ac] = LOST
        close[ac] = t[ac] // DAY
        emit(ac, MAX_STEPS, AUTOCLOSE, A_AUTOPROC)
    autoclosed = np.zeros(n, bool)
    autoclosed[ac] = True
    h = {k: np.concatenate(v) for k, v in out.items()}
    a["hist_raw"] = h
    a["deal_reopened"] = reopened
    a["deal_stalled"] = stalled
    a["deal_autoclosed"] = autoclosed
    a["deal_alive_at_end"] = alive


def _build_owner_changes(mdl: _Model) -> None:
    rng = _stream(mdl.seed, "owners")
    a, n = mdl.arrays, mdl.n
    h = a["hist_raw"]
    K = mdl.stages.k
    last_t = np.zeros(n, np.int64)
    np.maximum.at(last_t, h["deal"], h["t"])
    final_stage = np.zeros(n, np.int64)
    last_step = np.full(n, -1, np.int64)
    np.maximum.at(last_step, h["deal"], h["step"])
    is_last = h["step"] == last_step[h["deal"]]
    final_stage[h["deal"][is_last]] = h["stage"][is_last]
    is_closed = final_stage >= K
    life_end = np.where(is_closed, last_t, mdl.end_ts)
    owner0 = a["deal_owner0"]
    created = a["deal_created"]
    never = np.iinfo(np.int64).max
    chg_t = np.full(n, never, np.int64)
    # deals of reps who left are reassigned on the departure day
    dep = a["rep_departure"][owner0]
    leaver = (dep < never) & (life_end > dep) & (dep > created)
    chg_t[leaver] = dep[leaver]
    # ~4% more change hands during their life
    span = life_end - created
    cand = ~leaver & (span > 10 * DAY) & (rng.random(n) < 0.045)
    at = created + (rng.uniform(0.2, 0.8, n) * span).astype(np.int64)
    at = np.minimum(np.maximum(_business_ts(at // DAY, rng), created + 3600), life_end - 60)
    chg_t[cand] = at[cand]
    changes = chg_t < never
    owner1 = owner0.copy()
    owner1[changes] = _teammate(mdl, owner0[changes], rng)
    a.update(deal_chg_t=chg_t, deal_owner1=owner1, deal_final_stage=final_stage, deal_last_t=last_t, deal_life_end=life_end)


def _owner_at(mdl: _Model, deal: np.ndarray, ts: np.ndarray) -> np.ndarray:
    """Rep index owning `deal` at time `ts`."""
    a = mdl.arrays
    return np.where(ts >= a["deal_chg_t"][deal], a["deal_owner1"][deal], a["deal_owner0"][deal])


def _resolve_actor(mdl: _Model, actor: np.ndarray, deal: np.ndarray, ts: np.ndarray) -> np.ndarray:
    a = mdl.arrays
    rep = _owner_at(mdl, deal, ts)
    uid = a["rep_uid"][rep]
    uid = np.where(actor == A_MANAGER, a["user_manager"][uid], uid)
    uid = np.where(actor == A_INTEGRATION, a["integration_uid"], uid)
    return np.where(actor == A_AUTOPROC, a["autoproc_uid"], uid)


def _finish_history(mdl: _Model) -> None:
    rng = _stream(mdl.seed, "history-finish")
    a = mdl.arrays
    h = a.pop("hist_raw")
    order = np.lexsort((h["step"], h["deal"], h["t"]))  # ids follow time; ties keep change order
    h = {k: v[order] for k, v in h.items()}
    h["user"] = _resolve_actor(mdl, h["actor"], h["deal"], h["t"])
    last_step = np.full(mdl.n, -1, np.int64)
    np.maximum.at(last_step, h["deal"], h["step"])
    h["is_last"] = h["step"] == last_step[h["deal"]]
    # sloppy stage spellings on a few non-final rows
    u = rng.random(h["t"].size)
    h["variant"] = np.where((u < 0.015) & ~h["is_last"], 1 + (u * 1e6).astype(np.int64) % 4, 0)
    # previous row of the same deal (for close-date field history)
    by_deal = np.lexsort((h["step"], h["deal"]))
    prev = np.full(h["t"].size, -1, np.int64)
    same = h["deal"][by_deal[1:]] == h["deal"][by_deal[:-1]]
    prev[by_deal[1:][same]] = by_deal[:-1][same]
    h["prev"] = prev
    a["hist"] = h
    # current state of each deal = its last history row
    last_rows = np.flatnonzero(h["is_last"])
    last_rows = last_rows[np.argsort(h["deal"][last_rows])]
    a["deal_stage"] = h["stage"][last_rows]
    a["deal_amount"] = h["amount"][last_rows]
    a["deal_close"] = h["close"][last_rows]
    n = mdl.n
    K = mdl.stages.k
    lost = a["deal_stage"] == K + 1
    reason = rng.choice(len(LOSS_REASONS) + 1, n, p=[0.25, 0.25, 0.25, 0.15, 0.10])
    reason = np.where(a["deal_autoclosed"], 2, reason)
    a["deal_loss_reason"] = np.where(lost, reason, len(LOSS_REASONS))  # == blank
    # field history: close-date changes (one per history row that changed it) and owner changes
    cd_rows = np.flatnonzero((prev >= 0) & (h["close"] != h["close"][np.maximum(prev, 0)]))
    chg = np.flatnonzero(a["deal_chg_t"] < np.iinfo(np.int64).max)
    chg_by = np.where(
        rng.random(chg.size) < 0.8,
        a["user_manager"][a["rep_uid"][a["deal_owner0"][chg]]],
        0,  # the VP
    )
    f_t = np.concatenate([h["t"][cd_rows], a["deal_chg_t"][chg]])
    f = {
        "deal": np.concatenate([h["deal"][cd_rows], chg]),
        "t": f_t,
        "user": np.concatenate([h["user"][cd_rows], chg_by]),
        "is_owner": np.concatenate([np.zeros(cd_rows.size, bool), np.ones(chg.size, bool)]),
        "old": np.concatenate([h["close"][prev[cd_rows]], a["rep_uid"][a["deal_owner0"][chg]]]),
        "new": np.concatenate([h["close"][cd_rows], a["rep_uid"][a["deal_owner1"][chg]]]),
        "tie": np.concatenate([cd_rows, h["t"].size + np.arange(chg.size)]),
    }
    o = np.lexsort((f["tie"], f["t"]))
    a["fh"] = {k: v[o] for k, v in f.items()}
