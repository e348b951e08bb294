"""Accounts: creation before their first deal, owner, type (customer once a deal is won),
industry and name parts."""

from __future__ import annotations

import numpy as np

from revops_kpis.generator.clock import DAY, _business_ts
from revops_kpis.generator.model import _Model
from revops_kpis.generator.names import COMPANY_A, COMPANY_B, COMPANY_C, INDUSTRIES, SPECIAL_ACCOUNT_NAMES
from revops_kpis.generator.randomness import _stream
from revops_kpis.generator.users import _teammate


def _build_accounts_final(mdl: _Model) -> None:
    rng = _stream(mdl.seed, "accounts")
    a = mdl.arrays
    n_acc = a["n_acc"]
    K = mdl.stages.k
    first_deal = np.full(n_acc, np.iinfo(np.int64).max)
    np.minimum.at(first_deal, a["deal_account"], a["deal_created"])
    has_deal = first_deal < np.iinfo(np.int64).max
    lead_days = rng.integers(1, 400, n_acc)
    span_days = (mdl.end_ts - mdl.start_ts) // DAY
    created = np.where(
        has_deal,
        _business_ts(first_deal // DAY - lead_days, rng),
        _business_ts(mdl.start_ts // DAY - 365 + rng.integers(0, span_days + 300, n_acc), rng),
    )
    created = np.minimum(np.minimum(created, first_deal - 3600), mdl.end_ts - DAY)
    won = np.zeros(n_acc, bool)
    won[a["deal_account"][a["deal_stage"] == K]] = True
    u = rng.random(n_acc)
    owner = a["acc_home"].copy()
    gone = a["rep_departure"][owner] < np.iinfo(np.int64).max
    owner[gone] = _teammate(mdl, owner[gone], rng)
    a.update(
        acc_created=created,
        acc_owner=owner,
        acc_type=np.where(u < 0.03, 2, np.where(won, 1, 0)),  # Prospect, Customer, Partner
        acc_industry=np.where(rng.random(n_acc) < 0.08, len(INDUSTRIES), rng.integers(0, len(INDUSTRIES), n_acc)),
        acc_name_a=rng.integers(0, len(COMPANY_A), n_acc),
        acc_name_b=rng.integers(0, len(COMPANY_B), n_acc),
        acc_name_c=rng.integers(0, len(COMPANY_C), n_acc),
        acc_special=np.sort(rng.choice(n_acc, min(len(SPECIAL_ACCOUNT_NAMES), n_acc), replace=False)),
    )
