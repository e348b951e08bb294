"""Quotas: one per rep and quarter the rep is there for, sized on the won bookings."""

from __future__ import annotations

import numpy as np

from revops_kpis.generator.clock import DAY, _days
from revops_kpis.generator.model import _Model, _quarter_index
from revops_kpis.generator.randomness import _stream


def _build_quotas(mdl: _Model) -> None:
    rng = _stream(mdl.seed, "quotas")
    a = mdl.arrays
    K = mdl.stages.k
    n_reps, nq = a["n_reps"], len(mdl.quarters)
    q_start = np.array([_days(q) * DAY for q in mdl.quarters], np.int64)
    # reps carry a quota for every quarter that starts before they leave
    has = q_start[None, :] < a["rep_departure"][:, None]
    won = a["deal_stage"] == K
    usd = a["deal_amount"] / np.where(a["deal_eur"], a["eur_rate"][_quarter_index(mdl, a["deal_close"] * DAY)], 1.0)
    per_rep_q = usd[won].sum() / 100 / max(1, has.sum())
    growth = 1.03 ** np.arange(nq)
    noise = rng.lognormal(0, 0.15, n_reps)
    quota = np.round(per_rep_q * 1.25 * growth[None, :] * noise[:, None] / 1000) * 1000
    quota = np.maximum(quota, 5000)
    rep, q = np.nonzero(has)
    a["quota"] = {"rep": rep, "q": q, "amount_cents": (quota[rep, q] * 100).astype(np.int64)}
