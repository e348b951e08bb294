"""The business of an export: its parameters checked, and the model built step by step
(users, rates, deals, history, owners, leads, interactions, accounts, quotas). One
(opportunities, seed, end_date, inject_bad_rows) gives one business, whatever the rendering."""

from __future__ import annotations

import datetime as dt

import numpy as np

from revops_kpis.generator.accounts import _build_accounts_final
from revops_kpis.generator.bad_rows import _boring_deals, _detach_deal
from revops_kpis.generator.clock import DAY, _add_quarters, _days, _quarter_start
from revops_kpis.generator.deals import _build_deals
from revops_kpis.generator.history import _build_owner_changes, _finish_history, _simulate_history
from revops_kpis.generator.interactions import _build_interactions
from revops_kpis.generator.leads import _build_leads
from revops_kpis.generator.model import _Model
from revops_kpis.generator.quotas import _build_quotas
from revops_kpis.generator.rates import _build_rates
from revops_kpis.generator.stages import load_stages
from revops_kpis.generator.users import _build_users


MIN_OPPORTUNITIES = 20


def _build(n: int, seed: int, end_date: dt.date) -> _Model:
    last_q = _quarter_start(end_date)
    quarters = [_add_quarters(last_q, q) for q in range(-7, 1)]
    start = quarters[0]
    mdl = _Model(
        seed=seed,
        n=n,
        end_date=end_date,
        start_date=start,
        start_ts=_days(start) * DAY,
        end_ts=(_days(end_date) + 1) * DAY - 1,
        stages=load_stages(),
        quarters=quarters,
    )
    _build_users(mdl)
    _build_rates(mdl)
    _build_deals(mdl)
    _simulate_history(mdl)
    _build_owner_changes(mdl)
    _finish_history(mdl)
    _build_leads(mdl)
    _build_interactions(mdl)
    _build_accounts_final(mdl)
    _build_quotas(mdl)
    return mdl


def check_params(opportunities, seed, fmt: str, end_date: str | dt.date) -> dt.date:
    """Validate the export parameters (ValueError with a one-line message); the end date as a date."""
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be 'csv' or 'parquet', not {fmt!r}")
    if isinstance(opportunities, bool) or not isinstance(opportunities, (int, np.integer)) or opportunities < MIN_OPPORTUNITIES:
        raise ValueError(f"opportunities must be an integer >= {MIN_OPPORTUNITIES}, not {opportunities!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, not {seed!r}")
    if isinstance(end_date, str):
        try:
            end_date = dt.date.fromisoformat(end_date)
        except ValueError:
            raise ValueError(f"end_date must be YYYY-MM-DD, not {end_date!r}") from None
    if not dt.date(2000, 1, 1) <= end_date <= dt.date(2200, 12, 31):
        raise ValueError(f"end_date out of range (2000-2200): {end_date}")
    return end_date


def build_model(opportunities: int, seed: int, end_date: dt.date, inject_bad_rows: bool) -> tuple[_Model, np.ndarray]:
    """The business of an export and the deal the bad rows give a conflicting duplicate (none
    without bad rows; its history, field history and activities are detached). Every
    rendering of one (opportunities, seed, end_date, inject_bad_rows) is the same business."""
    mdl = _build(int(opportunities), int(seed), end_date)
    conflict = _boring_deals(mdl)[:1] if inject_bad_rows else np.zeros(0, np.int64)
    if conflict.size:
        _detach_deal(mdl, conflict)
    return mdl, conflict
